package server

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"herald/actor"
	"herald/dashboard"
	"herald/respond"
)

// Limits of a hashtag page: posts read per account, and posts shown.
const (
	tagScanPerAccount = 50
	tagPageSize       = 50
)

// handleTag answers GET /tags/{name}: a small public HTML page with the
// newest posts of this server's accounts that carry the hashtag, each
// linked to its article. The hashtags in Herald's posts link here by
// default (tag_url), so a reader's click never ends on a dead page.
func (s *Server) handleTag(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.PathValue("name"), "#")
	if name == "" || len(name) > 100 {
		http.NotFound(w, r)
		return
	}
	var posts []dashboard.TagPost
	for _, f := range s.o.Config.Feeds {
		if !s.o.Accounts.Published(f.Handle) {
			continue
		}
		found, err := s.taggedPosts(f.Handle, name)
		if err != nil {
			respond.InternalError(w, s.o.Log, r, err)
			return
		}
		posts = append(posts, found...)
	}
	sort.SliceStable(posts, func(i, j int) bool { return posts[i].Published.After(posts[j].Published) })
	page := dashboard.TagPage{Name: name, Posts: posts[:min(len(posts), tagPageSize)]}
	w.Header().Set("Cache-Control", "max-age=300")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; frame-ancestors 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.o.Pages.Tag(w, page); err != nil {
		s.o.Log.Error("render tag page", "path", r.URL.Path, "error", err)
	}
}

// taggedPosts returns handle's recent posts that carry the hashtag name
// (compared case-insensitively, as Mastodon does).
func (s *Server) taggedPosts(handle, name string) ([]dashboard.TagPost, error) {
	entries, _, err := s.o.Store.Outbox(handle, time.Time{}, tagScanPerAccount)
	if err != nil {
		return nil, err
	}
	var out []dashboard.TagPost
	seen := map[string]bool{}
	for _, e := range entries {
		var act struct {
			Object struct {
				ID        string    `json:"id"`
				URL       string    `json:"url"`
				Content   string    `json:"content"`
				Published time.Time `json:"published"`
				To        []string  `json:"to"`
				Tag       []struct {
					Type, Name string
				} `json:"tag"`
			} `json:"object"`
		}
		// Unlisted posts (written in apps) stay off hashtag pages, as on
		// Mastodon.
		if json.Unmarshal(e.Activity, &act) != nil || seen[act.Object.ID] || !slices.Contains(act.Object.To, actor.PublicAudience) {
			continue
		}
		seen[act.Object.ID] = true
		for _, t := range act.Object.Tag {
			if t.Type == "Hashtag" && strings.EqualFold(strings.TrimPrefix(t.Name, "#"), name) {
				out = append(out, dashboard.TagPost{Title: dashboard.PostTitle(act.Object.Content), URL: cmp.Or(act.Object.URL, act.Object.ID),
					Account: "@" + handle, Published: act.Object.Published})
				break
			}
		}
	}
	return out, nil
}
