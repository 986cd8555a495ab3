package bridge

import (
	"net/http"

	"herald/config"
)

// handleAdminPause answers POST /admin/api/actors/{handle}/pause: Herald
// stops fetching the feed (polls, pings and pushes alike) until resumed.
// The account stays up: followers keep it, and new follows are accepted.
func (b *Bridge) handleAdminPause(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	b.setPaused(w, r, tok, true)
}

// handleAdminResume answers POST /admin/api/actors/{handle}/resume and
// polls the feed at once.
func (b *Bridge) handleAdminResume(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	b.setPaused(w, r, tok, false)
}

func (b *Bridge) setPaused(w http.ResponseWriter, r *http.Request, tok config.AdminToken, paused bool) {
	handle, ok := b.canSee(w, r, tok)
	if !ok {
		return
	}
	if err := b.store.SetPaused(handle, paused, b.now()); err != nil {
		internalError(w, b.log, r, err)
		return
	}
	b.log.Info("feed paused or resumed", "handle", handle, "paused", paused, "by", tok.Name)
	if !paused {
		b.poller.PollNow(handle)
	}
	b.writeActorStatus(w, r, handle)
}
