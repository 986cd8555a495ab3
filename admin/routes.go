package admin

import "net/http"

// Routes maps the admin URLs on mux: the admin API (bearer tokens), the
// statistics pages (a session cookie) and /metrics (operator tokens).
func (a *Admin) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/api/actors", a.api(false, a.handleActors))
	mux.HandleFunc("GET /admin/api/actors/{handle}", a.api(false, a.handleActor))
	mux.HandleFunc("POST /admin/api/feeds", a.api(true, a.handleAddFeed))
	mux.HandleFunc("PATCH /admin/api/actors/{handle}", a.api(false, a.handleUpdateFeed))
	mux.HandleFunc("DELETE /admin/api/actors/{handle}", a.api(true, a.handleRemoveFeed))
	mux.HandleFunc("GET /admin/api/actors/{handle}/followers", a.api(false, a.handleFollowers))
	mux.HandleFunc("GET /admin/api/actors/{handle}/feed", a.api(false, a.handleFeed))
	mux.HandleFunc("POST /admin/api/actors/{handle}/pause", a.api(false, a.handlePause))
	mux.HandleFunc("POST /admin/api/actors/{handle}/resume", a.api(false, a.handleResume))
	mux.HandleFunc("GET /admin/api/deliveries", a.api(true, a.handleDeliveries))
	mux.HandleFunc("GET /admin/api/backup", a.api(true, a.handleBackup))
	mux.HandleFunc("GET /admin/api/audit", a.api(true, a.handleAudit))
	mux.HandleFunc("GET /admin/api/relays", a.api(true, a.handleRelays))
	mux.HandleFunc("POST /admin/api/relays/resubscribe", a.api(true, a.handleResubscribe))
	mux.HandleFunc("GET /admin/{$}", a.page(a.handleOverview))
	mux.HandleFunc("GET /admin/actors/{handle}", a.page(a.handleAccountPage))
	mux.HandleFunc("GET /admin/actors/{handle}/conversations", a.page(a.handleConversations))
	mux.Handle("POST /admin/actors/{handle}/conversations", a.form(a.handleAnswer))
	mux.HandleFunc("POST /admin/login", a.handleLogin)
	mux.HandleFunc("POST /admin/logout", a.handleLogout)
	mux.HandleFunc("GET /admin/style.css", a.handleStyle)
	mux.HandleFunc("GET /metrics", a.api(true, a.handleMetrics))
}
