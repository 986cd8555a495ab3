package server

import (
	"net/http"

	"herald/actor"
	"herald/respond"
)

// handleHostMetaJSON answers GET /.well-known/host-meta.json: the same as JSON.
func (s *Server) handleHostMetaJSON(w http.ResponseWriter, r *http.Request) {
	doc, err := s.o.Render.HostMetaJSON()
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	respond.Bytes(w, actor.JRDContentType, doc)
}
