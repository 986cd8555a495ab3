package server

import (
	"encoding/json"
	"errors"
	"net/http"

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
// its Tombstone.
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
