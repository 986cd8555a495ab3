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
// page with its name, avatar, bio, website, handle and newest posts,
// worded in the account's language (public.Language: else
// operator.language, else English), the account's own text marked with
// its language. ?before=UNIXNANO pages as the outbox does. An account not
// yet published (ownership) is not found, as for WebFinger.
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
		IconURL: p.IconURL, Website: p.SiteURL, Bio: public.Blocks(p.Summary), Posts: postLinks(entries),
		FollowURL: s.o.Render.Actor(handle) + "/follow"}
	if page.Name == "" {
		page.Name = handle
	}
	self := s.o.Render.Actor(handle)
	if !before.IsZero() {
		page.Newer = self
	}
	if len(entries) == profilePageSize {
		page.Older = self + "?before=" + strconv.FormatInt(entries[len(entries)-1].At.UnixNano(), 10)
	}
	w.Header().Set("Vary", "Accept") // the same URL answers ActivityPub clients with JSON
	s.writePublicPage(w, r, func(w io.Writer) error { return s.o.Public.Profile(w, page) }, p.IconURL)
}

// postLinks returns the posts the Create activities among entries carry.
func postLinks(entries []store.OutboxEntry) []public.PostLink {
	var out []public.PostLink
	for _, e := range entries {
		var act struct {
			Type   string `json:"type"`
			Object struct {
				ID        string    `json:"id"`
				Name      string    `json:"name"`
				Content   string    `json:"content"`
				URL       any       `json:"url"`
				Published time.Time `json:"published"`
			} `json:"object"`
		}
		if json.Unmarshal(e.Activity, &act) != nil || act.Type != "Create" || act.Object.ID == "" {
			continue
		}
		title := act.Object.Name
		if title == "" {
			title = dashboard.PostTitle(act.Object.Content)
		}
		out = append(out, public.PostLink{Title: title, URL: act.Object.ID,
			ArticleURL: firstURL(act.Object.URL), Published: act.Object.Published})
	}
	return out
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
