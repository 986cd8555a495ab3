package admin

import (
	"net/http"

	"herald/config"
	"herald/respond"
)

// handlePause answers POST /admin/api/actors/{handle}/pause: Herald
// stops fetching the feed (polls, pings and pushes alike) until resumed.
// The account stays up: followers keep it, and new follows are accepted.
func (a *Admin) handlePause(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	a.setPaused(w, r, tok, true)
}

// handleResume answers POST /admin/api/actors/{handle}/resume and
// polls the feed at once.
func (a *Admin) handleResume(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	a.setPaused(w, r, tok, false)
}

func (a *Admin) setPaused(w http.ResponseWriter, r *http.Request, tok config.AdminToken, paused bool) {
	handle, ok := a.canSee(w, r, tok)
	if !ok {
		return
	}
	if err := a.o.Store.SetPaused(handle, paused, a.o.Now()); err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	a.o.Log.Info("feed paused or resumed", "handle", handle, "paused", paused, "by", tok.Name)
	if !paused {
		a.o.Intake.PollNow(handle)
	}
	a.writeActorStatus(w, r, handle)
}
