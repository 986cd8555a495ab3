package server

import (
	"net/http"

	"herald/respond"
)

// handleWebSubPublish answers POST /websub: a publisher's WebSub (formerly
// PubSubHubbub) publish notification, hub.mode=publish with the changed
// feed in hub.url or hub.topic (several allowed). Herald fetches the feed at
// once, as for a ping. Herald is a hub for its own intake only: it takes
// publish notifications and does not accept subscriptions (answered 400).
func (s *Server) handleWebSubPublish(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPingBody)
	if err := r.ParseForm(); err != nil {
		respond.Error(w, http.StatusBadRequest, "body must be a form of at most 64 KiB")
		return
	}
	if mode := r.Form.Get("hub.mode"); mode != "publish" {
		respond.Error(w, http.StatusBadRequest, "this hub takes hub.mode=publish notifications only")
		return
	}
	topics := append(r.Form["hub.url"], r.Form["hub.topic"]...)
	if len(topics) == 0 {
		respond.Error(w, http.StatusBadRequest, "hub.url (or hub.topic) required")
		return
	}
	handles, _, _ := s.o.Intake.Notify("websub", topics...)
	if len(handles) == 0 {
		respond.Error(w, http.StatusNotFound, "no feed served here matches hub.url")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
