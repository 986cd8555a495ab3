// Package bridge wires Herald together: the HTTP server (WebFinger, actors,
// outboxes, objects, NodeInfo, the inbox), the feed poller that turns new and
// edited items into posts, and the durable delivery workers that carry them
// to followers.
package bridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"herald/actor"
	"herald/config"
	"herald/dashboard"
	"herald/feeds"
	"herald/metrics"
	"herald/ownership"
	"herald/store"
)

// Defaults for Options left zero.
const (
	DefaultShutdownTimeout = 8 * time.Second
	DefaultDrainTimeout    = 5 * time.Second
	DefaultWorkers         = 1024
	// MaxInboxBody is the largest inbox body accepted; larger gets 413.
	MaxInboxBody = 1 << 20
)

// Options are everything a Bridge needs. Config, Store, Client and Logger are
// required.
type Options struct {
	Config *config.Config
	Store  *store.Store
	// Client is the outbound HTTP client (see package outbound): every fetch
	// and delivery goes through it.
	Client *http.Client
	Logger *slog.Logger
	// Version is reported in NodeInfo and the User-Agent.
	Version string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Workers is the number of deliveries in flight at most; 0 means
	// DefaultWorkers. Deliveries mostly wait on peers, so this is far above
	// the number of cores; signatures are computed one per core at a time.
	Workers int
	// PerHost is the number of deliveries in flight to one host at most;
	// 0 means DefaultPerHost.
	PerHost int
	// RetryDelay gives the wait before retry number attempt (1-based); nil
	// means the Mastodon-like ladder of RetryLadder.
	RetryDelay func(attempt int) time.Duration
	// ShutdownTimeout bounds the whole shutdown; 0 means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// PingInterval is the least time between two fetches of one feed caused
	// by pings; 0 means DefaultPingInterval.
	PingInterval time.Duration
	// Editor edits and reloads the config file for the admin API's feed
	// endpoints; nil answers them 409.
	Editor ConfigEditor
}

// Bridge is a running Herald: server, poller and delivery workers.
type Bridge struct {
	cfg      *config.Config
	store    *store.Store
	log      *slog.Logger
	now      func() time.Time
	render   *actor.Renderer
	keys     *keyring
	remote   *resolver
	delivery *deliverer
	poller   *poller
	pings    *pingLimiter
	metrics  *metrics.Metrics
	pages    *dashboard.Pages
	guard    *inboxGuard
	editor   ConfigEditor
	owners   *ownershipGate
	client   *http.Client
	handler  http.Handler
	version  string
	shutdown time.Duration
	styles   map[string]actor.Style // how each handle's posts look
}

// New prepares a Bridge: it loads or creates every actor's key and builds the
// components. Nothing runs until Run.
func New(opts Options) (*Bridge, error) {
	if opts.Config == nil || opts.Store == nil || opts.Client == nil || opts.Logger == nil {
		return nil, errors.New("bridge: Config, Store, Client and Logger are required")
	}
	b := &Bridge{
		cfg:      opts.Config,
		store:    opts.Store,
		client:   opts.Client,
		log:      opts.Logger,
		now:      opts.Now,
		render:   actor.NewRenderer(opts.Config.BaseURL),
		version:  opts.Version,
		shutdown: opts.ShutdownTimeout,
		guard:    newInboxGuard(opts.Config.Inbox),
		editor:   opts.Editor,
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.shutdown == 0 {
		b.shutdown = DefaultShutdownTimeout
	}
	if err := b.loadState(); err != nil {
		return nil, err
	}
	var err error
	if b.pages, err = dashboard.New(); err != nil {
		return nil, err
	}
	b.metrics = metrics.New(storeGauges{b})
	b.remote = newResolver(opts.Store, opts.Client, b.keys.instance, opts.Config.SignedFetch == config.SignedFetchAlways, b.now, opts.Logger)
	b.delivery = newDeliverer(deliveryOptions{
		store: opts.Store, client: opts.Client, keys: b.keys, log: opts.Logger, now: b.now,
		workers: opts.Workers, perHost: opts.PerHost, retryDelay: opts.RetryDelay, drain: DefaultDrainTimeout, metrics: b.metrics,
	})
	fetcher := &feeds.Fetcher{Client: opts.Client, UserAgent: UserAgent(opts.Version, opts.Config.BaseURL), Timeout: opts.Config.FetchTimeout.Std()}
	b.poller = newPoller(b, fetcher)
	b.pings = newPingLimiter(opts.PingInterval, b.poller.PollNow, b.now)
	b.handler = b.routes()
	return b, nil
}

// loadState reads (or creates) what New needs from the store and the
// config: post styles, the actors' keys, the ownership state, and the
// removal of followers the config now blocks.
func (b *Bridge) loadState() error {
	var err error
	if b.styles, err = postStyles(b.cfg.Feeds); err != nil {
		return err
	}
	sealer, err := newSealer(b.cfg.KeyEncryptionKey)
	if err != nil {
		return err
	}
	if b.keys, err = loadKeyring(b.store, b.render.URLs, b.cfg.Feeds, sealer); err != nil {
		return err
	}
	if err := b.loadOwnership(); err != nil {
		return err
	}
	return b.dropBlockedFollowers()
}

// UserAgent names Herald and where it runs, so site owners can tell who
// polls them and whom to contact.
func UserAgent(version, baseURL string) string {
	return fmt.Sprintf("Herald/%s (+%s)", version, baseURL)
}

// Handler returns the HTTP handler (for tests that serve it themselves).
func (b *Bridge) Handler() http.Handler { return b.handler }

// Run serves HTTP on ln and runs the poller and the delivery workers until
// ctx is cancelled, then shuts down in order: stop intake (HTTP server,
// poller), let in-flight deliveries finish or return to the queue, and
// return. The caller closes the store afterwards.
func (b *Bridge) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           b.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(b.log.Handler(), slog.LevelWarn),
	}
	b.announceProfiles()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	var wg sync.WaitGroup
	wg.Go(func() { b.poller.Run(workCtx) })
	wg.Go(func() { b.delivery.Run(workCtx) })
	wg.Go(func() { b.recordFollowerHistory(workCtx) })
	wg.Go(func() { b.runOwnership(workCtx, &ownership.Checker{Client: b.client}) })
	wg.Go(func() { b.runBlocklist(workCtx) })
	b.log.Info("herald started", "listen", ln.Addr().String(), "base_url", b.cfg.BaseURL, "feeds", len(b.cfg.Feeds))

	var err error
	select {
	case <-ctx.Done():
	case err = <-serveErr:
		err = fmt.Errorf("http server: %w", err)
	}
	b.log.Info("shutting down")
	deadline, cancel := context.WithTimeout(context.Background(), b.shutdown)
	defer cancel()
	if shutErr := srv.Shutdown(deadline); shutErr != nil {
		b.log.Warn("http shutdown", "error", shutErr)
	}
	b.pings.Close()
	stopWork()
	wg.Wait()
	return err
}
