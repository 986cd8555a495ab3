package bridge

import (
	"encoding/json"
	"errors"
	"net/http"

	"herald/actor"

	"herald/store"
)

// handleDocument answers GET for every object and activity id Herald has
// minted (posts, their Create and Update activities, Accepts): the stored
// JSON for ActivityPub clients, a redirect to the article for browsers.
// A post deleted at its source (and its activities) answers 410 Gone with
// its Tombstone.
func (b *Bridge) handleDocument(w http.ResponseWriter, r *http.Request) {
	if _, ok := b.knownHandle(r); !ok {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	doc, err := b.store.Document(b.cfg.BaseURL + r.URL.Path)
	if errors.Is(err, store.ErrNotFound) {
		b.writeTombstone(w, r)
		return
	}
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	if wantsHTML(r) {
		var link struct {
			URL string `json:"url"`
		}
		if json.Unmarshal(doc, &link) == nil && link.URL != "" {
			http.Redirect(w, r, link.URL, http.StatusSeeOther)
			return
		}
	}
	writeDocument(w, doc)
}

// handleReady answers GET /readyz: 200 when the database answers, 503 when
// it does not (a load balancer should then send traffic elsewhere).
func (b *Bridge) handleReady(w http.ResponseWriter, r *http.Request) {
	if _, err := b.store.Size(); err != nil {
		b.log.Error("readiness check", "error", err)
		writeError(w, http.StatusServiceUnavailable, "database unavailable")
		return
	}
	writeBytes(w, "text/plain; charset=utf-8", []byte("ready\n"))
}

// writeTombstone answers 410 with the tombstone of a deleted post, or 404
// for an id Herald never minted.
func (b *Bridge) writeTombstone(w http.ResponseWriter, r *http.Request) {
	doc, err := b.store.Tombstone(b.cfg.BaseURL + r.URL.Path)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	w.Header().Set("Content-Type", actor.ContentType)
	w.Header().Set("Vary", "Accept")
	w.Header().Set("Cache-Control", "max-age=60")
	w.WriteHeader(http.StatusGone)
	_, _ = w.Write(doc)
}

// handleHealth answers GET /healthz: 200 while the process serves.
func (b *Bridge) handleHealth(w http.ResponseWriter, _ *http.Request) {
	writeBytes(w, "text/plain; charset=utf-8", []byte("ok\n"))
}
