package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"herald/actor"
	"herald/dashboard"
	"herald/public"
	"herald/respond"
	"herald/store"
)

// profilePageSize is the number of outbox activities read for one page of
// a profile page.
const profilePageSize = 20

// handleProfilePage answers a browser's GET /users/{handle}: the account's
// page with its banner, name, avatar, bio, website and fields, handle,
// pinned posts (on the first page) and newest posts, worded in the
// account's language (public.Language: else operator.language, else
// English), the account's own text marked with its language.
// ?before=UNIXNANO pages as the outbox does. An account not yet published
// (ownership) is not found, as for WebFinger.
func (s *Server) handleProfilePage(w http.ResponseWriter, r *http.Request, handle string, p actor.Profile) {
	if !s.o.Accounts.Published(handle) {
		respond.Error(w, http.StatusNotFound, "no such account")
		return
	}
	before, ok := pageBefore(w, r)
	if !ok {
		return
	}
	entries, _, err := s.o.Store.Outbox(handle, before, profilePageSize)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	page := public.ProfilePage{Site: s.accountSite(p), ContentLang: p.Language, Name: p.Name, Handle: "@" + handle + "@" + s.o.Config.HandleDomain(),
		IconURL: p.IconURL, HeaderURL: p.HeaderURL, Website: p.SiteURL, Bio: public.Blocks(p.Summary), Fields: profileFields(p),
		Posts: postLinks(entries), FollowURL: s.o.Render.Actor(handle) + "/follow"}
	if page.Name == "" {
		page.Name = handle
	}
	self := s.o.Render.Actor(handle)
	if before.IsZero() {
		if page.Pinned, err = s.pinnedLinks(handle); err != nil {
			respond.InternalError(w, s.o.Log, r, err)
			return
		}
	} else {
		page.Newer = self
	}
	if len(entries) == profilePageSize {
		page.Older = self + "?before=" + strconv.FormatInt(entries[len(entries)-1].At.UnixNano(), 10)
	}
	w.Header().Set("Vary", "Accept") // the same URL answers ActivityPub clients with JSON
	s.writePublicPage(w, r, func(w io.Writer) error { return s.o.Public.Profile(w, page) }, p.IconURL, p.HeaderURL)
}

// profileFields returns p's fields for its page. A value that is an
// http(s) URL links it, with rel="me" where the actor document has it
// (actor.FieldLink: a link to the account's website).
func profileFields(p actor.Profile) []public.Field {
	var out []public.Field
	for _, f := range p.Fields {
		link, me := actor.FieldLink(f.Value, p.SiteURL)
		out = append(out, public.Field{Name: f.Name, Value: f.Value, URL: link, Me: me})
	}
	return out
}

// postObject is what a list of posts shows of a post.
type postObject struct {
	Type      string    `json:"type"`
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Content   string    `json:"content"`
	URL       any       `json:"url"`
	Published time.Time `json:"published"`
}

// link returns the post as a list shows it: its title (the name, else
// the start of its text), its page and its article.
func (o postObject) link() public.PostLink {
	title := o.Name
	if title == "" {
		title = dashboard.PostTitle(o.Content)
	}
	return public.PostLink{Title: title, URL: o.ID, ArticleURL: firstURL(o.URL), Published: o.Published}
}

// postLinks returns the posts the Create activities among entries carry.
func postLinks(entries []store.OutboxEntry) []public.PostLink {
	var out []public.PostLink
	for _, e := range entries {
		var act struct {
			Type   string     `json:"type"`
			Object postObject `json:"object"`
		}
		if json.Unmarshal(e.Activity, &act) != nil || act.Type != "Create" || act.Object.ID == "" {
			continue
		}
		out = append(out, act.Object.link())
	}
	return out
}

// pinnedLinks returns the posts handle pins, as its featured collection
// lists them (featuredPosts).
func (s *Server) pinnedLinks(handle string) ([]public.PostLink, error) {
	docs, err := s.featuredPosts(handle)
	if err != nil {
		return nil, err
	}
	var out []public.PostLink
	for _, doc := range docs {
		var o postObject
		if json.Unmarshal(doc, &o) != nil || (o.Type != "Note" && o.Type != "Article") || o.ID == "" {
			continue
		}
		out = append(out, o.link())
	}
	return out, nil
}

// firstURL returns an object's url when it is a string, or the href of the
// first link when it is a list of Links or strings.
func firstURL(v any) string {
	switch u := v.(type) {
	case string:
		return u
	case map[string]any:
		href, _ := u["href"].(string)
		return href
	case []any:
		if len(u) > 0 {
			return firstURL(u[0])
		}
	}
	return ""
}
