package bridge

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"

	"herald/actor"
	"herald/store"
)

// maxFeatured bounds the pinned posts listed (Mastodon pins at most 5).
const maxFeatured = 5

// handleFeatured answers GET /users/{handle}/featured: the posts pinned by
// the feed's featured setting (article URLs or item guids), in the
// configured order, embedded whole. Entries that match no post yet are
// left out.
func (b *Bridge) handleFeatured(w http.ResponseWriter, r *http.Request) {
	handle, ok := b.knownHandle(r)
	if !ok {
		writeError(w, http.StatusNotFound, "no such account")
		return
	}
	items, err := b.featuredPosts(handle)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	doc, err := actor.ItemsCollection(b.render.Featured(handle), items)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeDocument(w, doc)
}

// featuredPosts returns the stored posts that the feed pins.
func (b *Bridge) featuredPosts(handle string) ([]json.RawMessage, error) {
	want := b.feedConfig(handle).Featured
	if len(want) == 0 {
		return nil, nil
	}
	seen, err := b.store.SeenItems(handle)
	if err != nil {
		return nil, err
	}
	found := make([]json.RawMessage, len(want))
	for key, it := range seen {
		doc, err := b.store.Document(it.ObjectID)
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
