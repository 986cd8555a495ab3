package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"herald/actor"
	"herald/respond"

	"herald/store"
)

// handleDocument answers GET for every object and activity id Herald has
// minted (posts, their Create and Update activities, Accepts): the stored
// JSON for ActivityPub clients; for browsers a post's page (post_page.go),
// or with redirect_browsers_to_site, and for activities, a redirect to the
// article.
// A post deleted at its source (and its activities) answers 410 Gone with
// its Tombstone. A post that is not public (a direct message written in a
// Mastodon app) and its activities answer only a signed GET by an actor
// they are addressed to (mayRead); anyone else gets 404.
func (s *Server) handleDocument(w http.ResponseWriter, r *http.Request) {
	handle, ok := s.knownHandle(r)
	if !ok {
		respond.Error(w, http.StatusNotFound, "not found")
		return
	}
	doc, err := s.o.Store.Document(s.o.Config.BaseURL + r.URL.Path)
	if errors.Is(err, store.ErrNotFound) {
		s.writeTombstone(w, r)
		return
	}
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	if audience, public := actor.Audiences(doc); !public && strings.Contains(r.URL.Path, "/posts/") {
		if !s.mayRead(r, audience) {
			respond.Error(w, http.StatusNotFound, "not found")
			return
		}
		markPrivate(w)
	}
	if respond.WantsHTML(r) {
		if !s.o.Config.RedirectBrowsersToSite && s.writePostPage(w, r, handle, doc) {
			return
		}
		var link struct {
			URL string `json:"url"`
		}
		if json.Unmarshal(doc, &link) == nil && link.URL != "" {
			http.Redirect(w, r, link.URL, http.StatusSeeOther)
			return
		}
	}
	respond.Document(w, doc)
}

// writeTombstone answers 410 with the tombstone of a deleted post, or 404
// for an id Herald never minted.
func (s *Server) writeTombstone(w http.ResponseWriter, r *http.Request) {
	doc, err := s.o.Store.Tombstone(s.o.Config.BaseURL + r.URL.Path)
	if errors.Is(err, store.ErrNotFound) {
		respond.Error(w, http.StatusNotFound, "not found")
		return
	}
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	w.Header().Set("Content-Type", actor.ContentType)
	w.Header().Set("Vary", "Accept")
	w.Header().Set("Cache-Control", "max-age=60")
	w.WriteHeader(http.StatusGone)
	_, _ = w.Write(doc)
}

// mayRead reports whether r, a GET of a post that is not public (or of
// its activities), may read it: only when signed by an actor in its
// audience, as Mastodon serves direct messages.
func (s *Server) mayRead(r *http.Request, audience []string) bool {
	v, err := s.o.Inbox.Verify(r.Context(), r, nil)
	return err == nil && !s.o.Inbox.Blocked(v.Owner) && slices.Contains(audience, v.Owner)
}

// markPrivate keeps shared caches from keeping an answer for one reader.
func markPrivate(w http.ResponseWriter) {
	w.Header().Set("Vary", "Accept, Signature")
	w.Header().Set("Cache-Control", "private, max-age=60")
}
