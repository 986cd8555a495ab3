package bridge

import (
	"net/http"
)

// routes maps every URL Herald answers. Each handler lives in its own file.
func (b *Bridge) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/webfinger", b.handleWebFinger)
	mux.HandleFunc("GET /.well-known/nodeinfo", b.handleNodeInfoIndex)
	mux.HandleFunc("GET /nodeinfo/{version}", b.handleNodeInfo)
	mux.HandleFunc("GET /actor", b.handleInstanceActor)
	mux.HandleFunc("GET /actor/outbox", b.handleInstanceOutbox)
	mux.HandleFunc("GET /users/{handle}", b.handleActor)
	mux.HandleFunc("GET /users/{handle}/outbox", b.handleOutbox)
	mux.HandleFunc("GET /users/{handle}/followers", b.handleFollowers)
	mux.HandleFunc("GET /users/{handle}/following", b.handleFollowing)
	mux.HandleFunc("GET /users/{handle}/featured", b.handleFeatured)
	mux.HandleFunc("GET /users/{handle}/posts/{rest...}", b.handleDocument)
	mux.HandleFunc("GET /users/{handle}/accepts/{id}", b.handleDocument)
	mux.HandleFunc("POST /users/{handle}/inbox", b.handleInbox)
	mux.HandleFunc("POST /inbox", b.handleInbox)
	mux.HandleFunc("GET /healthz", b.handleHealth)
	mux.HandleFunc("POST /ping", b.handlePing)
	mux.HandleFunc("POST /websub", b.handleWebSubPublish)
	mux.HandleFunc("GET /admin/api/actors", b.admin(false, b.handleAdminActors))
	mux.HandleFunc("GET /admin/api/actors/{handle}", b.admin(false, b.handleAdminActor))
	mux.HandleFunc("GET /admin/api/actors/{handle}/followers", b.admin(false, b.handleAdminFollowers))
	mux.HandleFunc("GET /admin/api/deliveries", b.admin(true, b.handleAdminDeliveries))
	mux.HandleFunc("GET /admin/api/backup", b.admin(true, b.handleAdminBackup))
	mux.HandleFunc("GET /admin/{$}", b.page(b.handleOverview))
	mux.HandleFunc("GET /admin/actors/{handle}", b.page(b.handleAccountPage))
	mux.HandleFunc("POST /admin/login", b.handleLogin)
	mux.HandleFunc("POST /admin/logout", b.handleLogout)
	mux.HandleFunc("GET /admin/style.css", b.handleDashboardStyle)
	mux.HandleFunc("GET /metrics", b.admin(true, b.handleMetrics))
	mux.HandleFunc("GET /readyz", b.handleReady)
	mux.HandleFunc("GET /users/{handle}/collections/tags", b.handleFeaturedTags)
	mux.HandleFunc("GET /.well-known/host-meta", b.handleHostMeta)
	mux.HandleFunc("GET /.well-known/host-meta.json", b.handleHostMetaJSON)
	mux.HandleFunc("GET /users/{handle}/posts/{id}/likes", b.handleInteractions)
	mux.HandleFunc("GET /users/{handle}/posts/{id}/shares", b.handleInteractions)
	mux.HandleFunc("GET /users/{handle}/posts/{id}/replies", b.handleInteractions)
	mux.HandleFunc("GET /websub/{handle}", b.handleWebSubVerify)
	mux.HandleFunc("POST /websub/{handle}", b.handleWebSubPush)
	return mux
}
