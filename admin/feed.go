package admin

import (
	"net/http"

	"herald/config"
	"herald/respond"
)

// handleFeed answers GET /admin/api/actors/{handle}/feed: the feed's
// health (URLs, status, fetch times, errors, items, discoveries, WebSub).
func (a *Admin) handleFeed(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	handle, ok := a.canSee(w, r, tok)
	if !ok {
		return
	}
	h, err := a.o.Intake.Health(handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	respond.JSON(w, h)
}
