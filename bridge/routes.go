package bridge

import (
	"net/http"
)

// routes maps every URL Herald answers. Each handler lives in its own file.
func (b *Bridge) routes() http.Handler {
	mux := http.NewServeMux()
	// Discovery: always public.
	mux.HandleFunc("GET /.well-known/webfinger", b.handleWebFinger)
	mux.HandleFunc("GET /.well-known/host-meta", b.handleHostMeta)
	mux.HandleFunc("GET /.well-known/host-meta.json", b.handleHostMetaJSON)
	mux.HandleFunc("GET /.well-known/nodeinfo", b.handleNodeInfoIndex)
	mux.HandleFunc("GET /nodeinfo/{version}", b.handleNodeInfo)
	mux.HandleFunc("GET /actor", b.handleInstanceActor)
	mux.HandleFunc("GET /actor/outbox", b.handleInstanceOutbox)
	mux.HandleFunc("GET /tags/{name}", b.handleTag)

	// Documents: signed fetches only in authorized-fetch mode. The actor
	// checks that itself: unsigned fetches get its key (see handleActor).
	mux.HandleFunc("GET /users/{handle}", b.handleActor)
	for pattern, h := range map[string]http.HandlerFunc{
		"GET /users/{handle}/outbox":               b.handleOutbox,
		"GET /users/{handle}/followers":            b.handleFollowers,
		"GET /users/{handle}/following":            b.handleFollowing,
		"GET /users/{handle}/featured":             b.handleFeatured,
		"GET /users/{handle}/collections/tags":     b.handleFeaturedTags,
		"GET /users/{handle}/posts/{rest...}":      b.handleDocument,
		"GET /users/{handle}/posts/{id}/likes":     b.handleInteractions,
		"GET /users/{handle}/posts/{id}/shares":    b.handleInteractions,
		"GET /users/{handle}/posts/{id}/replies":   b.handleInteractions,
		"GET /users/{handle}/accepts/{id}":         b.handleDocument,
		"GET /users/{handle}/move":                 b.handleDocument,
		"GET /users/{handle}/profile-updates/{id}": b.handleDocument,
	} {
		mux.HandleFunc(pattern, b.signedFetch(h))
	}

	// Inbox.
	mux.HandleFunc("POST /users/{handle}/inbox", b.handleInbox)
	mux.HandleFunc("POST /inbox", b.handleInbox)

	// Intake: pings, WebSub.
	mux.HandleFunc("POST /ping", b.handlePing)
	mux.HandleFunc("POST /websub", b.handleWebSubPublish)
	mux.HandleFunc("GET /websub/{handle}", b.handleWebSubVerify)
	mux.HandleFunc("POST /websub/{handle}", b.handleWebSubPush)

	// Administration.
	mux.HandleFunc("GET /admin/api/actors", b.admin(false, b.handleAdminActors))
	mux.HandleFunc("GET /admin/api/actors/{handle}", b.admin(false, b.handleAdminActor))
	mux.HandleFunc("POST /admin/api/feeds", b.admin(true, b.handleAdminAddFeed))
	mux.HandleFunc("PATCH /admin/api/actors/{handle}", b.admin(false, b.handleAdminUpdateFeed))
	mux.HandleFunc("DELETE /admin/api/actors/{handle}", b.admin(true, b.handleAdminRemoveFeed))
	mux.HandleFunc("GET /admin/api/actors/{handle}/followers", b.admin(false, b.handleAdminFollowers))
	mux.HandleFunc("GET /admin/api/actors/{handle}/feed", b.admin(false, b.handleAdminFeed))
	mux.HandleFunc("POST /admin/api/actors/{handle}/pause", b.admin(false, b.handleAdminPause))
	mux.HandleFunc("POST /admin/api/actors/{handle}/resume", b.admin(false, b.handleAdminResume))
	mux.HandleFunc("GET /admin/api/deliveries", b.admin(true, b.handleAdminDeliveries))
	mux.HandleFunc("GET /admin/api/backup", b.admin(true, b.handleAdminBackup))
	mux.HandleFunc("GET /admin/{$}", b.page(b.handleOverview))
	mux.HandleFunc("GET /admin/actors/{handle}", b.page(b.handleAccountPage))
	mux.HandleFunc("POST /admin/login", b.handleLogin)
	mux.HandleFunc("POST /admin/logout", b.handleLogout)
	mux.HandleFunc("GET /admin/style.css", b.handleDashboardStyle)

	// Operations.
	mux.HandleFunc("GET /metrics", b.admin(true, b.handleMetrics))
	mux.HandleFunc("GET /healthz", b.handleHealth)
	mux.HandleFunc("GET /readyz", b.handleReady)
	return mux
}
