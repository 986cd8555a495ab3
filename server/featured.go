package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"

	"herald/actor"
	"herald/respond"
	"herald/store"
)

// maxFeatured bounds the pinned posts listed (Mastodon pins at most 5).
const maxFeatured = 5

// handleFeatured answers GET /users/{handle}/featured: the posts pinned by
// the feed's featured setting (article URLs or item guids), in the
// configured order, embedded whole. Entries that match no post yet are
// left out.
func (s *Server) handleFeatured(w http.ResponseWriter, r *http.Request) {
	handle, ok := s.knownHandle(r)
	if !ok {
		respond.Error(w, http.StatusNotFound, "no such account")
		return
	}
	items, err := s.featuredPosts(handle)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	doc, err := actor.ItemsCollection(s.o.Render.Featured(handle), items)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}

// featuredPosts returns the stored posts that the feed pins.
func (s *Server) featuredPosts(handle string) ([]json.RawMessage, error) {
	want := s.o.Accounts.Feed(handle).Featured
	if len(want) == 0 {
		return nil, nil
	}
	seen, err := s.o.Store.SeenItems(handle)
	if err != nil {
		return nil, err
	}
	found := make([]json.RawMessage, len(want))
	for key, it := range seen {
		doc, err := s.o.Store.Document(it.ObjectID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var head struct {
			URL string `json:"url"`
		}
		_ = json.Unmarshal(doc, &head)
		for i, w := range want {
			if w == key || (head.URL != "" && w == head.URL) {
				found[i] = doc
			}
		}
	}
	found = slices.DeleteFunc(found, func(d json.RawMessage) bool { return d == nil })
	return found[:min(len(found), maxFeatured)], nil
}
