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
	mux.HandleFunc("GET /users/{handle}/collections/tags", b.handleFeaturedTags)
	mux.HandleFunc("GET /.well-known/host-meta", b.handleHostMeta)
	mux.HandleFunc("GET /.well-known/host-meta.json", b.handleHostMetaJSON)
	mux.HandleFunc("GET /users/{handle}/move", b.handleDocument)
	mux.HandleFunc("GET /users/{handle}/profile-updates/{id}", b.handleDocument)
	return mux
}
