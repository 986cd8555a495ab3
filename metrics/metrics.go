// Package metrics defines Herald's Prometheus metrics: counters that the
// components increment as things happen, and gauges read from the store at
// scrape time (so no hot path keeps them up to date).
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the counters. A nil *Metrics is valid and counts nothing,
// so components can run without metrics in tests.
type Metrics struct {
	registry *prometheus.Registry

	// Polls counts feed polls by outcome (ok, not_modified, error). Not by
	// feed: a shared Herald serves thousands (the admin API has each feed's
	// health).
	Polls *prometheus.CounterVec
	// Items counts new and edited items found, by kind.
	Items *prometheus.CounterVec
	// Deliveries counts delivery attempts by outcome (delivered, retry,
	// rejected, gone, given_up).
	Deliveries *prometheus.CounterVec
	// Inbox counts inbox requests by activity type and verdict (accepted,
	// rejected status code).
	Inbox *prometheus.CounterVec
	// Pings counts change notifications by kind (xmlrpc, api, websub) and
	// whether they matched a feed.
	Pings *prometheus.CounterVec
	// LeaseTakeovers counts claims taken over from another replica whose
	// lease had ended, by kind (job, feed, task): a replica died or stalled.
	LeaseTakeovers *prometheus.CounterVec
}

// Gauges are read at every scrape.
type Gauges interface {
	// QueueDepth is the number of pending deliveries.
	QueueDepth() (int, error)
	// OldestPending is how long the oldest pending delivery has waited.
	OldestPending() (time.Duration, error)
	// HostStates counts the hosts that failed at least once, by breaker
	// state (ok, failing, held).
	HostStates() (map[string]int, error)
	// DatabaseBytes is the size of the bbolt file.
	DatabaseBytes() (int64, error)
	// Accounts returns followers and posts per handle.
	Accounts() (map[string]AccountCounts, error)
	// Relays returns each relay subscription's state.
	Relays() ([]RelayState, error)
	// Claims returns the delivery jobs each replica has claimed.
	Claims() ([]ReplicaClaims, error)
}

// ReplicaClaims is one replica's gauge: the jobs it has claimed and how
// long the oldest of them has been queued.
type ReplicaClaims struct {
	Replica string
	Jobs    int
	Oldest  time.Duration
}

// RelayState is one relay subscription's gauge.
type RelayState struct {
	// URL is the relay as configured; Flavour mastodon or litepub; State
	// pending, accepted, refused or failing.
	URL, Flavour, State string
}

// relayStates are the states herald_relays counts, zero or not.
var relayStates = []string{"pending", "accepted", "refused", "failing"}

// AccountCounts are one account's gauges.
type AccountCounts struct {
	Followers, Posts int
}

// New creates the metrics and registers them, the Go runtime and process
// collectors, and the gauges in a registry of their own.
func New(g Gauges) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		Polls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_polls_total",
			Help: "Feed polls by outcome (ok, not_modified, error)."}, []string{"outcome"}),
		Items: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_items_total",
			Help: "Items found new or edited, by kind (added, edited)."}, []string{"kind"}),
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_deliveries_total",
			Help: "Delivery attempts by outcome (delivered, retry, rejected, gone, given_up)."}, []string{"outcome"}),
		Inbox: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_inbox_requests_total",
			Help: "Inbox requests by activity type and verdict (accepted or the HTTP status of the rejection)."}, []string{"type", "verdict"}),
		Pings: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_pings_total",
			Help: "Change notifications by kind (xmlrpc, api, websub) and whether they matched a feed."}, []string{"via", "matched"}),
		LeaseTakeovers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_lease_takeovers_total",
			Help: "Claims taken over from a replica whose lease had ended, by kind (job, feed, task)."}, []string{"kind"}),
	}
	for _, kind := range []string{"job", "feed", "task"} {
		m.LeaseTakeovers.WithLabelValues(kind)
	}
	m.registry.MustRegister(m.Polls, m.Items, m.Deliveries, m.Inbox, m.Pings, m.LeaseTakeovers,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&gaugeCollector{g: g})
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Count increments counter with labels; nothing happens on a nil *Metrics
// or a nil counter.
func Count(counter *prometheus.CounterVec, labels ...string) {
	if counter != nil {
		counter.WithLabelValues(labels...).Inc()
	}
}

var (
	queueDesc     = prometheus.NewDesc("herald_delivery_queue_depth", "Pending deliveries.", nil, nil)
	oldestDesc    = prometheus.NewDesc("herald_delivery_oldest_pending_seconds", "Age of the oldest pending delivery.", nil, nil)
	hostsDesc     = prometheus.NewDesc("herald_delivery_hosts", "Hosts that failed at least once, by breaker state.", []string{"state"}, nil)
	dbDesc        = prometheus.NewDesc("herald_database_bytes", "Size of the bbolt database.", nil, nil)
	followersDesc = prometheus.NewDesc("herald_followers", "Followers per account.", []string{"handle"}, nil)
	postsDesc     = prometheus.NewDesc("herald_posts", "Posts (outbox activities) per account.", []string{"handle"}, nil)
	relaysDesc    = prometheus.NewDesc("herald_relays", "Relay subscriptions by state.", []string{"state"}, nil)
	relayDesc     = prometheus.NewDesc("herald_relay_info", "One per relay subscription, labelled with its state.", []string{"relay", "flavour", "state"}, nil)
	claimedDesc   = prometheus.NewDesc("herald_delivery_claimed_jobs", "Delivery jobs claimed (in flight) by each replica sharing the database.", []string{"replica"}, nil)
	claimAgeDesc  = prometheus.NewDesc("herald_delivery_oldest_claimed_seconds",
		"Age of the oldest delivery job each replica has claimed (its queue age).", []string{"replica"}, nil)
)

// gaugeCollector reads the store at scrape time.
type gaugeCollector struct{ g Gauges }

func (c *gaugeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueDesc
	ch <- oldestDesc
	ch <- hostsDesc
	ch <- dbDesc
	ch <- followersDesc
	ch <- postsDesc
	ch <- relaysDesc
	ch <- relayDesc
	ch <- claimedDesc
	ch <- claimAgeDesc
}

func (c *gaugeCollector) Collect(ch chan<- prometheus.Metric) {
	if n, err := c.g.QueueDepth(); err == nil {
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(n))
	} else {
		ch <- prometheus.NewInvalidMetric(queueDesc, err)
	}
	if d, err := c.g.OldestPending(); err == nil {
		ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, d.Seconds())
	} else {
		ch <- prometheus.NewInvalidMetric(oldestDesc, err)
	}
	if states, err := c.g.HostStates(); err == nil {
		for _, state := range []string{"ok", "failing", "held"} {
			ch <- prometheus.MustNewConstMetric(hostsDesc, prometheus.GaugeValue, float64(states[state]), state)
		}
	} else {
		ch <- prometheus.NewInvalidMetric(hostsDesc, err)
	}
	if n, err := c.g.DatabaseBytes(); err == nil {
		ch <- prometheus.MustNewConstMetric(dbDesc, prometheus.GaugeValue, float64(n))
	} else {
		ch <- prometheus.NewInvalidMetric(dbDesc, err)
	}
	c.collectRelays(ch)
	c.collectClaims(ch)
	accounts, err := c.g.Accounts()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(followersDesc, err)
		return
	}
	for handle, a := range accounts {
		ch <- prometheus.MustNewConstMetric(followersDesc, prometheus.GaugeValue, float64(a.Followers), handle)
		ch <- prometheus.MustNewConstMetric(postsDesc, prometheus.GaugeValue, float64(a.Posts), handle)
	}
}

// collectRelays reports the relay subscriptions: a count per state and a
// line per relay.
func (c *gaugeCollector) collectRelays(ch chan<- prometheus.Metric) {
	relays, err := c.g.Relays()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(relaysDesc, err)
		return
	}
	counts := map[string]int{}
	for _, r := range relays {
		counts[r.State]++
		ch <- prometheus.MustNewConstMetric(relayDesc, prometheus.GaugeValue, 1, r.URL, r.Flavour, r.State)
	}
	for _, state := range relayStates {
		ch <- prometheus.MustNewConstMetric(relaysDesc, prometheus.GaugeValue, float64(counts[state]), state)
	}
}

// collectClaims reports the jobs each replica has claimed and their age.
func (c *gaugeCollector) collectClaims(ch chan<- prometheus.Metric) {
	claims, err := c.g.Claims()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(claimedDesc, err)
		return
	}
	for _, r := range claims {
		ch <- prometheus.MustNewConstMetric(claimedDesc, prometheus.GaugeValue, float64(r.Jobs), r.Replica)
		ch <- prometheus.MustNewConstMetric(claimAgeDesc, prometheus.GaugeValue, r.Oldest.Seconds(), r.Replica)
	}
}
