package server

import (
	"net/http"

	"herald/respond"
)

// handleHealth answers GET /healthz: 200 while the process serves.
func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	respond.Bytes(w, "text/plain; charset=utf-8", []byte("ok\n"))
}

// handleReady answers GET /readyz: 200 when the database answers, 503 when
// it does not (a load balancer should then send traffic elsewhere).
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if _, err := s.o.Store.Size(); err != nil {
		s.o.Log.Error("readiness check", "error", err)
		respond.Error(w, http.StatusServiceUnavailable, "database unavailable")
		return
	}
	respond.Bytes(w, "text/plain; charset=utf-8", []byte("ready\n"))
}
