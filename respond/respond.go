// Package respond writes Herald's HTTP answers the same way everywhere:
// ActivityPub documents with their media type and cache headers, and small
// JSON errors whose message is safe to show a client. The packages that
// answer HTTP requests (server, admin, inbox) use it.
package respond

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"herald/actor"
)

// Document answers 200 with an ActivityPub document. Vary: Accept tells
// caches that the same URL answers browsers differently.
func Document(w http.ResponseWriter, doc []byte) {
	Bytes(w, actor.ContentType, doc)
}

// Bytes answers 200 with body of contentType, cacheable for a minute unless
// the handler set its own Vary or Cache-Control.
func Bytes(w http.ResponseWriter, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	if w.Header().Get("Vary") == "" {
		w.Header().Set("Vary", "Accept")
	}
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "max-age=60")
	}
	_, _ = w.Write(body)
}

// JSON answers 200 with v as indented JSON (the admin API's answers).
func JSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// Error answers status with a small JSON error that is safe to show a
// client: msg never carries internal details.
func Error(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// InternalError logs err and answers 500 without revealing it.
func InternalError(w http.ResponseWriter, log *slog.Logger, r *http.Request, err error) {
	log.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	Error(w, http.StatusInternalServerError, "internal error")
}

// WantsHTML reports whether the client is a browser rather than an
// ActivityPub client: it asks for HTML and not for ActivityStreams JSON.
func WantsHTML(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "text/html") &&
		!strings.Contains(accept, "application/activity+json") &&
		!strings.Contains(accept, "application/ld+json")
}

// AllowCORS lets pages of any origin read the answer, without cookies, as
// Mastodon answers its client API (rack-cors, origins '*'), exposing the
// named response headers to their scripts.
func AllowCORS(w http.ResponseWriter, expose ...string) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if len(expose) > 0 {
		w.Header().Set("Access-Control-Expose-Headers", strings.Join(expose, ", "))
	}
}

// Preflight answers a CORS preflight (OPTIONS) request: any origin may
// send methods with the headers it asks for, and may cache that for two
// hours.
func Preflight(methods ...string) http.HandlerFunc {
	allowed := strings.Join(methods, ", ")
	return func(w http.ResponseWriter, r *http.Request) {
		AllowCORS(w)
		w.Header().Set("Access-Control-Allow-Methods", allowed)
		if h := r.Header.Get("Access-Control-Request-Headers"); h != "" {
			w.Header().Set("Access-Control-Allow-Headers", h)
		}
		w.Header().Set("Access-Control-Max-Age", "7200")
		w.Header().Set("Vary", "Access-Control-Request-Headers")
		w.WriteHeader(http.StatusOK)
	}
}
