package server

import (
	"net/http"

	"herald/respond"
)

// handleFeaturedTags answers GET /users/{handle}/collections/tags: the
// feed's featured hashtags.
func (s *Server) handleFeaturedTags(w http.ResponseWriter, r *http.Request) {
	handle, ok := s.knownHandle(r)
	if !ok {
		respond.Error(w, http.StatusNotFound, "no such account")
		return
	}
	doc, err := s.o.Render.FeaturedTagsDocument(handle, s.o.Accounts.Style(handle), s.o.Accounts.Feed(handle).FeaturedTags)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}
