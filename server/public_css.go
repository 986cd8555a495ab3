package server

import (
	"net/http"

	"herald/public"
	"herald/respond"
)

// handlePublicCSS answers GET /about/style.css, the stylesheet of the
// public pages.
func (s *Server) handlePublicCSS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "max-age=3600")
	respond.Bytes(w, "text/css; charset=utf-8", public.CSS())
}
