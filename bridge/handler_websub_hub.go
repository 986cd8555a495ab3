package bridge

import (
	"net/http"
)

// handleWebSubPublish answers POST /websub: a publisher's WebSub (formerly
// PubSubHubbub) publish notification, hub.mode=publish with the changed
// feed in hub.url or hub.topic (several allowed). Herald fetches the feed at
// once, as for a ping. Herald is a hub for its own intake only: it takes
// publish notifications and does not accept subscriptions (answered 400).
func (b *Bridge) handleWebSubPublish(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPingBody)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "body must be a form of at most 64 KiB")
		return
	}
	if mode := r.Form.Get("hub.mode"); mode != "publish" {
		writeError(w, http.StatusBadRequest, "this hub takes hub.mode=publish notifications only")
		return
	}
	topics := append(r.Form["hub.url"], r.Form["hub.topic"]...)
	if len(topics) == 0 {
		writeError(w, http.StatusBadRequest, "hub.url (or hub.topic) required")
		return
	}
	handles, _ := b.notify("websub", topics...)
	if len(handles) == 0 {
		writeError(w, http.StatusNotFound, "no feed served here matches hub.url")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
