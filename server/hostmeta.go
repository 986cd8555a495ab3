package server

import (
	"net/http"

	"herald/actor"
	"herald/respond"
)

// handleHostMeta answers GET /.well-known/host-meta (RFC 6415, XML) with
// the WebFinger template. A site that gives its own domain to Herald's
// handles redirects this URL here (see docs/accounts.md).
func (s *Server) handleHostMeta(w http.ResponseWriter, r *http.Request) {
	doc, err := s.o.Render.HostMeta()
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	respond.Bytes(w, actor.HostMetaContentType, doc)
}
