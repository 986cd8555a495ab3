package bridge

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"herald/actor"
)

// writeDocument answers 200 with an ActivityPub document. Vary: Accept tells
// caches that the same URL answers browsers differently.
func writeDocument(w http.ResponseWriter, doc []byte) {
	writeBytes(w, actor.ContentType, doc)
}

func writeBytes(w http.ResponseWriter, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	if w.Header().Get("Vary") == "" {
		w.Header().Set("Vary", "Accept")
	}
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "max-age=60")
	}
	_, _ = w.Write(body)
}

// writeError answers status with a small JSON error that is safe to show a
// client: msg never carries internal details.
func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// internalError logs err and answers 500 without revealing it.
func internalError(w http.ResponseWriter, log *slog.Logger, r *http.Request, err error) {
	log.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	writeError(w, http.StatusInternalServerError, "internal error")
}

// wantsHTML reports whether the client is a browser rather than an
// ActivityPub client: it asks for HTML and not for ActivityStreams JSON.
func wantsHTML(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "text/html") &&
		!strings.Contains(accept, "application/activity+json") &&
		!strings.Contains(accept, "application/ld+json")
}

// knownHandle returns the lowercased {handle} of the request path and whether
// Herald serves it.
func (b *Bridge) knownHandle(r *http.Request) (string, bool) {
	handle := strings.ToLower(r.PathValue("handle"))
	_, ok := b.keys.actors[handle]
	return handle, ok
}
