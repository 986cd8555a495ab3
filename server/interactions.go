package server

import (
	"net/http"
	"strings"

	"herald/actor"
	"herald/respond"
	"herald/store"
)

// handleInteractions answers GET /users/{handle}/posts/{id}/likes, /shares
// and /replies: the collections the post's likes, shares and replies
// properties name (actor.URLs.Likes, Shares, Replies). Likes and shares
// show their count; replies also list the reply ids, and ?page=true is
// their page (actor.RepliesPage), which a post's embedded replies
// collection names as next.
func (s *Server) handleInteractions(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.knownHandle(r); !ok {
		respond.Error(w, http.StatusNotFound, "not found")
		return
	}
	id := s.o.Config.BaseURL + r.URL.Path
	kinds := map[string]string{"/likes": store.KindLike, "/shares": store.KindShare, "/replies": store.KindReply}
	var post, kind string
	for suffix, k := range kinds {
		if p, ok := strings.CutSuffix(id, suffix); ok {
			post, kind = p, k
		}
	}
	if kind == "" || !s.o.Accounts.OwnsPost(post) {
		respond.Error(w, http.StatusNotFound, "not found")
		return
	}
	limit := 0
	if kind == store.KindReply {
		limit = actor.MaxListedReplies
	}
	items, total, err := s.o.Store.Interactions(post, kind, limit)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	var doc []byte
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	switch {
	case kind == store.KindReply && r.URL.Query().Get("page") == "true":
		doc, err = actor.RepliesPage(id, ids)
	case kind == store.KindReply:
		doc, err = actor.RepliesCollection(id, total, ids)
	default:
		doc, err = actor.CountCollection(id, total)
	}
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}
