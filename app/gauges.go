package app

import (
	"time"

	"herald/config"
	"herald/metrics"
	"herald/relays"
	"herald/store"
)

// gaugeStore is what the gauges read from the store.
type gaugeStore interface {
	PendingJobs() (int, error)
	Size() (int64, error)
	QueueStats(now time.Time) (store.QueueStats, error)
	Hosts() (map[string]store.HostState, error)
	ClaimStats() ([]store.ReplicaClaims, error)
	FollowerCount(handle string) (int, error)
	Outbox(handle string, before time.Time, limit int) (entries []store.OutboxEntry, total int, err error)
}

// storeGauges reads the gauges of package metrics from the store.
type storeGauges struct {
	st  gaugeStore
	cfg *config.Config
	now func() time.Time
	// relays tells the relays' states; set once the manager is built.
	relays *relays.Manager
}

// Relays returns each relay subscription's state, as the admin API shows it.
func (g *storeGauges) Relays() ([]metrics.RelayState, error) {
	if g.relays == nil {
		return nil, nil
	}
	statuses, err := g.relays.Statuses()
	out := make([]metrics.RelayState, len(statuses))
	for i, s := range statuses {
		out[i] = metrics.RelayState{URL: s.URL, Flavour: s.Flavour, State: s.State}
	}
	return out, err
}

// QueueDepth is the number of queued delivery jobs.
func (g *storeGauges) QueueDepth() (int, error) { return g.st.PendingJobs() }

// DatabaseBytes is the size of the database file.
func (g *storeGauges) DatabaseBytes() (int64, error) { return g.st.Size() }

// OldestPending is how long the oldest queued job has waited.
func (g *storeGauges) OldestPending() (time.Duration, error) {
	q, err := g.st.QueueStats(g.now())
	return q.OldestAge(g.now()), err
}

// HostStates counts the hosts that failed at least once by breaker state.
func (g *storeGauges) HostStates() (map[string]int, error) {
	hosts, err := g.st.Hosts()
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, h := range hosts {
		counts[h.State]++
	}
	return counts, nil
}

// Accounts counts each account's followers and posts.
func (g *storeGauges) Accounts() (map[string]metrics.AccountCounts, error) {
	out := map[string]metrics.AccountCounts{}
	for _, f := range g.cfg.Feeds {
		followers, err := g.st.FollowerCount(f.Handle)
		if err != nil {
			return nil, err
		}
		_, posts, err := g.st.Outbox(f.Handle, time.Time{}, 0)
		if err != nil {
			return nil, err
		}
		out[f.Handle] = metrics.AccountCounts{Followers: followers, Posts: posts}
	}
	return out, nil
}

// Claims returns the delivery jobs each replica has claimed.
func (g *storeGauges) Claims() ([]metrics.ReplicaClaims, error) {
	claims, err := g.st.ClaimStats()
	out := make([]metrics.ReplicaClaims, len(claims))
	for i, c := range claims {
		out[i] = metrics.ReplicaClaims{Replica: c.Owner, Jobs: c.Jobs, Oldest: g.now().Sub(c.OldestCreated)}
	}
	return out, err
}
