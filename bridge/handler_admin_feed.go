package bridge

import (
	"net/http"

	"herald/config"
)

// handleAdminFeed answers GET /admin/api/actors/{handle}/feed: the feed's
// health (URLs, status, fetch times, errors, items, discoveries, WebSub).
func (b *Bridge) handleAdminFeed(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	handle, ok := b.canSee(w, r, tok)
	if !ok {
		return
	}
	h, err := b.FeedHealth(handle)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeAdminJSON(w, h)
}
