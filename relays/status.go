package relays

import (
	"errors"
	"slices"
	"time"

	"herald/config"
	"herald/outbound"
	"herald/store"
)

// Status is what the admin API, the CLI, the metrics and the statistics
// pages show of one relay subscription.
type Status struct {
	// URL is the relay as configured; Flavour "mastodon" or "litepub".
	URL     string `json:"url"`
	Flavour string `json:"flavour"`
	// Inbox is where posts go; Actor the relay's actor, once known.
	Inbox string `json:"inbox,omitempty"`
	Actor string `json:"actor,omitempty"`
	// State is pending, accepted, refused or failing; Since when it began.
	State string    `json:"state"`
	Since time.Time `json:"since"`
	// Subscribed is when Herald first subscribed.
	Subscribed time.Time `json:"subscribed"`
	// LastError says why the state is failing or refused.
	LastError string `json:"last_error,omitempty"`
	// FollowsBack is true when a LitePub relay follows the relay actor.
	FollowsBack bool `json:"follows_back"`
	// Feeds are the handles whose posts go to the relay.
	Feeds []string `json:"feeds"`
}

// States lists every state a relay can be in, for metrics with a zero
// for each.
var States = []string{store.RelayPending, store.RelayAccepted, store.RelayRefused, store.RelayFailing}

// StatusStore is what ReadStatuses needs of the store.
type StatusStore interface {
	Relays() ([]store.Relay, error)
	Hosts() (map[string]store.HostState, error)
	DeliveryStats(activityID string) (st store.ActivityStats, found bool, err error)
	Followers(handle string) ([]store.Follower, error)
}

// Statuses returns every relay subscription (see ReadStatuses).
func (m *Manager) Statuses() ([]Status, error) { return ReadStatuses(m.o.Store, m.o.Config) }

// ReadStatuses returns every stored subscription, in URL order, for the
// running server and for the CLI on a stopped one. A stored state is shown
// as failing when the deliveries tell so: a pending relay whose Follow was
// given up, or an accepted relay whose host the delivery workers hold back
// after repeated failures.
func ReadStatuses(st StatusStore, cfg *config.Config) ([]Status, error) {
	stored, err := st.Relays()
	if err != nil {
		return nil, err
	}
	hosts, err := st.Hosts()
	if err != nil {
		return nil, err
	}
	backers, err := st.Followers(store.RelayHandle)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(stored))
	for _, r := range stored {
		s := Status{URL: r.URL, Flavour: r.Flavour, Inbox: r.Inbox, Actor: r.ActorID, State: r.State, Since: r.Since,
			Subscribed: r.Subscribed, LastError: r.LastError, Feeds: feedsOf(cfg, r.URL)}
		s.FollowsBack = r.ActorID != "" && slices.ContainsFunc(backers, func(f store.Follower) bool { return f.ID == r.ActorID })
		deriveFailing(st, &s, r, hosts)
		out = append(out, s)
	}
	return out, nil
}

// deriveFailing marks st failing when the delivery of the Follow was given
// up or the relay's host is held back.
func deriveFailing(st StatusStore, s *Status, r store.Relay, hosts map[string]store.HostState) {
	switch r.State {
	case store.RelayPending:
		stats, found, err := st.DeliveryStats(r.FollowID)
		if err == nil && found && stats.Failed > 0 && stats.Pending() == 0 {
			s.State, s.LastError = store.RelayFailing, "the Follow could not be delivered: "+stats.LastError
		}
	case store.RelayAccepted:
		if h, ok := hosts[outbound.HostOf(r.Inbox)]; ok && h.State == "held" {
			s.State, s.LastError = store.RelayFailing, "deliveries to the relay fail: "+h.LastError
		}
	}
}

// feedsOf returns the handles whose posts go to the relay u.
func feedsOf(cfg *config.Config, u string) []string {
	feeds := []string{}
	for _, f := range cfg.Feeds {
		if slices.Contains(cfg.RelaysOf(f), u) {
			feeds = append(feeds, f.Handle)
		}
	}
	return feeds
}

// isNotFound reports whether err says a record does not exist.
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
