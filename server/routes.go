package server

import (
	"net/http"

	"herald/public"
)

// routes maps every URL Herald answers. Each handler lives in its own
// file; the admin API, the statistics pages and /metrics are mapped by
// package admin (admin/routes.go), the OAuth sign-in by package oauth and
// the Mastodon client API by package clientapi.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// Discovery: always public.
	mux.HandleFunc("GET /.well-known/webfinger", s.handleWebFinger)
	mux.HandleFunc("GET /.well-known/host-meta", s.handleHostMeta)
	mux.HandleFunc("GET /.well-known/host-meta.json", s.handleHostMetaJSON)
	mux.HandleFunc("GET /.well-known/nodeinfo", s.handleNodeInfoIndex)
	mux.HandleFunc("GET /nodeinfo/{version}", s.handleNodeInfo)
	s.serverActorRoutes(mux)
	mux.HandleFunc("GET /tags/{name}", s.handleTag)
	mux.HandleFunc("GET /about", s.handleAbout)
	mux.HandleFunc("GET /about/privacy", s.handlePrivacy)
	mux.HandleFunc("GET /about/minimum-age", s.handleMinimumAge)
	mux.HandleFunc("GET "+public.CSSPath, s.handlePublicCSS)

	// Documents: signed fetches only in authorized-fetch mode. The actor
	// checks that itself: unsigned fetches get its key (see handleActor).
	mux.HandleFunc("GET /users/{handle}", s.handleActor)
	mux.HandleFunc("POST /users/{handle}/follow", s.handleFollow)
	for pattern, h := range map[string]http.HandlerFunc{
		"GET /users/{handle}/outbox":               s.handleOutbox,
		"GET /users/{handle}/followers":            s.handleFollowers,
		"GET /users/{handle}/following":            s.handleFollowing,
		"GET /users/{handle}/featured":             s.handleFeatured,
		"GET /users/{handle}/collections/tags":     s.handleFeaturedTags,
		"GET /users/{handle}/posts/{rest...}":      s.handleDocument,
		"GET /users/{handle}/posts/{id}/likes":     s.handleInteractions,
		"GET /users/{handle}/posts/{id}/shares":    s.handleInteractions,
		"GET /users/{handle}/posts/{id}/replies":   s.handleInteractions,
		"GET /users/{handle}/accepts/{id}":         s.handleDocument,
		"GET /users/{handle}/move":                 s.handleDocument,
		"GET /users/{handle}/profile-updates/{id}": s.handleDocument,
	} {
		mux.HandleFunc(pattern, s.signedFetch(h))
	}

	// Inbox (package inbox).
	mux.Handle("POST /users/{handle}/inbox", s.o.Inbox)
	mux.Handle("POST /inbox", s.o.Inbox)

	// Intake: pings, WebSub.
	mux.HandleFunc("POST /ping", s.handlePing)
	mux.HandleFunc("POST /websub", s.handleWebSubPublish)
	mux.HandleFunc("GET /websub/{handle}", s.handleWebSubVerify)
	mux.HandleFunc("POST /websub/{handle}", s.handleWebSubPush)

	// Administration: /admin/... and /metrics (package admin).
	s.o.Admin.Routes(mux)

	// Mastodon apps: the OAuth sign-in (package oauth) and the client API
	// under /api/ (package clientapi).
	s.o.OAuth.Routes(mux)
	s.o.ClientAPI.Routes(mux)

	// Operations.
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	return mux
}

// serverActorRoutes maps the server's own actors: the instance actor, which
// signs Herald's GETs, and the relay actor, which subscribes to relays.
// Always public.
func (s *Server) serverActorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /actor", s.handleInstanceActor)
	mux.HandleFunc("GET /actor/outbox", s.handleInstanceOutbox)
	mux.HandleFunc("GET /relay", s.handleRelayActor)
	mux.HandleFunc("GET /relay/followers", s.handleRelayFollowers)
	mux.HandleFunc("GET /relay/outbox", s.handleRelayEmpty)
	mux.HandleFunc("GET /relay/following", s.handleRelayEmpty)
	mux.HandleFunc("GET /relay/follows/{id...}", s.handleRelayActivity)
	mux.HandleFunc("GET /relay/accepts/{id}", s.handleRelayActivity)
}
