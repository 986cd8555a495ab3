// Package intake turns feeds into posts: one scheduler polls every feed
// politely (conditional GET, per-host limits, backoff, Retry-After), pings
// and WebSub pushes bring a fetch at once, and each fetch's new, edited,
// held and removed items become Creates, Updates and Deletes committed to
// the store with their delivery jobs in one transaction. It uses feeds to
// fetch and parse, actor to render, and declares what it needs of the store
// (Store), of the accounts (Accounts) and of the delivery workers
// (Deliveries).
package intake

import (
	"context"
	"crypto/rsa"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"herald/actor"
	"herald/config"
	"herald/feeds"
	"herald/metrics"
	"herald/store"
)

// Store is what the intake needs of the store.
type Store interface {
	FeedState(handle string) (store.FeedState, error)
	SaveFeedState(handle string, st store.FeedState) error
	Paused(handle string) (since time.Time, ok bool, err error)
	Schedule(handle string) ([]store.Scheduled, error)
	SeenItems(handle string) (map[string]store.SeenItem, error)
	CommitPoll(handle string, c store.PollCommit, now time.Time) (queued int, err error)
	Subscription(handle string) (store.Subscription, error)
	SaveSubscription(handle string, sub store.Subscription) error
	RecordPing(handle string, p store.Ping) error
	ClaimFeed(handle, owner string, now, until time.Time) (store.FeedLease, string, error)
	RenewFeeds(owner string, now, until time.Time) (int, error)
	ReleaseFeeds(owner string) ([]string, error)
	TakePingFetch(handle string, now time.Time, interval time.Duration) (time.Time, bool, error)
	AnnounceFeed(handle string) error
	ListenFeeds(ctx context.Context, fn func(handle string)) error
}

// Accounts tells how each account's posts look (accounts.Registry does).
type Accounts interface {
	Feed(handle string) config.Feed
	Style(handle string) actor.Style
	// SigningKey gives the key that LD-signs activities for
	// Mastodon-style relays.
	SigningKey(handle, keyName string) (keyID string, key *rsa.PrivateKey, err error)
}

// Deliveries is told when a commit queued delivery jobs
// (delivery.Deliverer is).
type Deliveries interface {
	Notify()
}

// Options are what a Poller needs; all are required but PingInterval (0
// means DefaultPingInterval) and Now (nil means time.Now).
type Options struct {
	Config     *config.Config
	Store      Store
	Accounts   Accounts
	Render     *actor.Renderer
	Fetcher    *feeds.Fetcher
	Deliveries Deliveries
	Metrics    *metrics.Metrics
	Log        *slog.Logger
	Now        func() time.Time
	// PingInterval is the least time between two fetches of one feed
	// caused by pings.
	PingInterval time.Duration
	// Replica is the id under which this process holds feed leases; ""
	// means "herald" (fine for a process alone on its store).
	Replica string
	// Lease is how long a feed lease lasts unless renewed; 0 means
	// DefaultLease.
	Lease time.Duration
}

// Poller polls every configured feed on its own schedule and publishes
// what changed. One feed failing never delays another. It is safe for
// concurrent use.
type Poller struct {
	o     Options
	sched *scheduler
	pings *pingLimiter
	// locks serialise the polls and pushes of each feed (by handle); the
	// map is filled once and only read afterwards.
	locks map[string]*sync.Mutex
	// listening is true while announcements are heard (see listen).
	listening atomic.Bool
}

// New returns a Poller for the feeds of o.Config. Nothing is fetched until
// Run.
func New(o Options) (*Poller, error) {
	if o.Config == nil || o.Store == nil || o.Accounts == nil || o.Render == nil || o.Fetcher == nil ||
		o.Deliveries == nil || o.Metrics == nil || o.Log == nil {
		return nil, errors.New("intake: Config, Store, Accounts, Render, Fetcher, Deliveries, Metrics and Log are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Replica == "" {
		o.Replica = "herald"
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	p := &Poller{o: o, locks: map[string]*sync.Mutex{}}
	for _, f := range o.Config.Feeds {
		p.locks[f.Handle] = &sync.Mutex{}
	}
	p.sched = newScheduler(o.Config.Feeds, p.pollOnce, o.Now)
	p.pings = newPingLimiter(o.PingInterval, p.PollNow, o.Store.TakePingFetch, o.Now, o.Log)
	return p, nil
}

// Run polls until ctx is cancelled; it returns when every poll in flight
// has, and then releases this replica's feed leases. Pings that come later
// are refused.
func (p *Poller) Run(ctx context.Context) {
	defer p.releaseLeases()
	defer p.pings.Close()
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { p.listen(ctx) })
	wg.Go(func() { p.keepLeases(ctx) })
	p.sched.Run(ctx)
}

// PollNow asks for an immediate poll of handle's feed (a ping or push said
// it changed) by the replica that holds its lease: the feed is announced
// to every replica. It never blocks on a poll; triggers that arrive while
// one is pending are merged into it. It returns false for an unknown
// handle.
func (p *Poller) PollNow(handle string) bool {
	if _, known := p.locks[handle]; !known {
		return false
	}
	if p.listening.Load() {
		err := p.o.Store.AnnounceFeed(handle)
		if err == nil {
			return true // heard by listen, here too
		}
		p.o.Log.Warn("announce a feed; polling it here", "handle", handle, "error", err)
	}
	return p.sched.trigger(handle)
}

// PollAllNow makes every feed due for a poll at once (the scheduler still
// applies its per-host and overall limits). Disabled feeds stay disabled.
func (p *Poller) PollAllNow() {
	for _, f := range p.o.Config.Feeds {
		p.PollNow(f.Handle)
	}
}

// lock takes handle's feed lock and returns its release.
func (p *Poller) lock(handle string) func() {
	mu, ok := p.locks[handle]
	if !ok {
		return func() {}
	}
	mu.Lock()
	return mu.Unlock
}
