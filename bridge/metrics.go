package bridge

import (
	"net/http"
	"time"

	"herald/config"
	"herald/metrics"
)

// storeGauges reads the gauges of package metrics from the store.
type storeGauges struct{ b *Bridge }

func (g storeGauges) QueueDepth() (int, error) { return g.b.store.PendingJobs() }

func (g storeGauges) DatabaseBytes() (int64, error) { return g.b.store.Size() }

func (g storeGauges) OldestPending() (time.Duration, error) {
	q, err := g.b.store.QueueStats(g.b.now())
	return q.OldestAge(g.b.now()), err
}

func (g storeGauges) HostStates() (map[string]int, error) {
	hosts, err := g.b.store.Hosts()
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, h := range hosts {
		counts[h.State]++
	}
	return counts, nil
}

func (g storeGauges) Accounts() (map[string]metrics.AccountCounts, error) {
	out := map[string]metrics.AccountCounts{}
	for _, f := range g.b.cfg.Feeds {
		followers, err := g.b.store.FollowerCount(f.Handle)
		if err != nil {
			return nil, err
		}
		_, posts, err := g.b.store.Outbox(f.Handle, time.Time{}, 0)
		if err != nil {
			return nil, err
		}
		out[f.Handle] = metrics.AccountCounts{Followers: followers, Posts: posts}
	}
	return out, nil
}

// handleMetrics answers GET /metrics in the Prometheus text format, for
// operator tokens only (Prometheus: authorization.credentials).
func (b *Bridge) handleMetrics(w http.ResponseWriter, r *http.Request, _ config.AdminToken) {
	b.metrics.Handler().ServeHTTP(w, r)
}
