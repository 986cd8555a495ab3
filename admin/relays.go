package admin

import (
	"context"
	"errors"
	"net/http"

	"herald/config"
	"herald/dashboard"
	"herald/relays"
	"herald/respond"
)

// Relays tells the relay subscriptions' states and subscribes again on
// request (relays.Manager does).
type Relays interface {
	Statuses() ([]relays.Status, error)
	Resubscribe(ctx context.Context, url string) error
}

// RelaysStatus is the answer of GET /admin/api/relays.
type RelaysStatus struct {
	Relays []relays.Status `json:"relays"`
}

// handleRelays answers GET /admin/api/relays (operators only): every relay
// subscription with its state.
func (a *Admin) handleRelays(w http.ResponseWriter, r *http.Request, _ config.AdminToken) {
	statuses, err := a.o.Relays.Statuses()
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	respond.JSON(w, RelaysStatus{Relays: statuses})
}

// handleResubscribe answers POST /admin/api/relays/resubscribe[?url=URL]
// (operators only): a new Follow goes to the configured relay URL, or to
// every relay that is not accepted, for relays that refused or failed and
// have since been fixed. It answers with the relays' states, 404 for a URL
// that no feed uses and 502 when a LitePub relay's actor could not be
// fetched (the others are subscribed all the same).
func (a *Admin) handleResubscribe(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	err := a.o.Relays.Resubscribe(r.Context(), r.URL.Query().Get("url"))
	switch {
	case errors.Is(err, relays.ErrNotConfigured):
		respond.Error(w, http.StatusNotFound, err.Error())
	case err != nil:
		respond.Error(w, http.StatusBadGateway, err.Error())
	default:
		a.handleRelays(w, r, tok)
	}
}

// dashboardRelays returns the relays for the overview page.
func (a *Admin) dashboardRelays() ([]dashboard.Relay, error) {
	statuses, err := a.o.Relays.Statuses()
	if err != nil {
		return nil, err
	}
	out := make([]dashboard.Relay, len(statuses))
	for i, s := range statuses {
		out[i] = dashboard.Relay{URL: s.URL, Flavour: s.Flavour, State: s.State, LastError: s.LastError, Since: s.Since, Feeds: s.Feeds}
	}
	return out, nil
}
