package server

import (
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"regexp"
	"time"

	"herald/dashboard"
	"herald/public"
	"herald/respond"
	"herald/store"
)

// postDoc is what a post's page shows of its stored document.
type postDoc struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Content    string            `json:"content"`
	ContentMap map[string]string `json:"contentMap"`
	URL        any               `json:"url"`
	Published  time.Time         `json:"published"`
	Updated    time.Time         `json:"updated"`
	Attachment []struct {
		Type string `json:"type"`
		URL  any    `json:"url"`
		Name string `json:"name"`
	} `json:"attachment"`
}

// headingTag matches the opening and closing tags of headings.
var headingTag = regexp.MustCompile(`<(/?)h([1-5])([\s>])`)

// demoteHeadings moves the headings of a post's content one level down
// (h1 to h2, ..., h5 to h6), so that the page's title stays its only h1
// and the outline keeps its order. content is HTML sanitised by package
// actor, whose tags carry no attributes on headings.
func demoteHeadings(content string) string {
	return headingTag.ReplaceAllStringFunc(content, func(tag string) string {
		m := headingTag.FindStringSubmatch(tag)
		return "<" + m[1] + "h" + string(rune(m[2][0]+1)) + m[3]
	})
}

// writePostPage answers a browser's GET of a post (a Note or Article)
// with its page: title, content, images with their alt text, dates, the
// link to the article and the counts of likes, boosts and replies,
// worded in the account's language as its page is (accountSite). It
// returns false, having written nothing, when doc is not a post (an
// activity), so the caller answers as before.
func (s *Server) writePostPage(w http.ResponseWriter, r *http.Request, handle string, doc []byte) bool {
	var p postDoc
	if json.Unmarshal(doc, &p) != nil || (p.Type != "Note" && p.Type != "Article") || p.ID == "" {
		return false
	}
	profile, err := s.o.Accounts.Profile(handle)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return true
	}
	page := public.PostPage{Site: s.accountSite(profile), Title: p.Name, Content: template.HTML(demoteHeadings(p.Content)), // sanitised by package actor
		Account: profile.Name, AccountURL: s.o.Render.Actor(handle), ArticleURL: firstURL(p.URL),
		Published: p.Published, Updated: p.Updated}
	if page.Title == "" {
		page.Title = dashboard.PostTitle(p.Content)
	}
	if page.Account == "" {
		page.Account = "@" + handle
	}
	for lang := range p.ContentMap {
		page.ContentLang = lang
	}
	if page.ContentLang == "" {
		page.ContentLang = profile.Language
	}
	var images []string
	for _, a := range p.Attachment {
		if u := firstURL(a.URL); a.Type == "Image" && u != "" {
			page.Images = append(page.Images, public.Image{URL: u, Alt: a.Name})
			images = append(images, u)
		}
	}
	counts := []*int{&page.Likes, &page.Boosts, &page.Replies}
	for i, kind := range []string{store.KindLike, store.KindShare, store.KindReply} {
		if _, *counts[i], err = s.o.Store.Interactions(p.ID, kind, 0); err != nil {
			respond.InternalError(w, s.o.Log, r, err)
			return true
		}
	}
	w.Header().Set("Vary", "Accept") // the same URL answers ActivityPub clients with JSON
	s.writePublicPage(w, r, func(w io.Writer) error { return s.o.Public.Post(w, page) }, images...)
	return true
}
