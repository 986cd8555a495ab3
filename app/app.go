// Package app assembles a running Herald from its parts and runs it: the
// accounts, the remote-actor resolver, the delivery workers, the feed
// intake, the inbox, the admin endpoints, the Mastodon client API and its
// sign-in, and the HTTP server, all on one store and one outbound client.
// It owns their goroutines and shuts them down in order. cmd/herald parses the config and calls it; package
// apptest runs it the same way for the end-to-end tests.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"herald/accounts"
	"herald/actor"
	"herald/admin"
	"herald/clientapi"
	"herald/config"
	"herald/dashboard"
	"herald/delivery"
	"herald/feeds"
	"herald/inbox"
	"herald/intake"
	"herald/metrics"
	"herald/oauth"
	"herald/outbound"
	"herald/public"
	"herald/relays"
	"herald/remote"
	"herald/server"
)

// DefaultShutdownTimeout bounds the whole shutdown when Options leave it 0.
const DefaultShutdownTimeout = 8 * time.Second

// Options are everything an App needs. Config, Store, Client and Logger are
// required.
type Options struct {
	Config *config.Config
	Store  Store
	// Client is the outbound HTTP client (see package outbound): every fetch
	// and delivery goes through it.
	Client *http.Client
	Logger *slog.Logger
	// Version is reported in NodeInfo and the User-Agent.
	Version string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Workers is the number of deliveries in flight at most; 0 means
	// delivery.DefaultWorkers. Deliveries mostly wait on peers, so this is
	// far above the number of cores; signatures are computed one per core
	// at a time.
	Workers int
	// PerHost is the number of deliveries in flight to one host at most;
	// 0 means delivery.DefaultPerHost.
	PerHost int
	// RetryDelay gives the wait before retry number attempt (1-based); nil
	// means the Mastodon-like ladder of delivery.RetryLadder.
	RetryDelay func(attempt int) time.Duration
	// ShutdownTimeout bounds the whole shutdown; 0 means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// PingInterval is the least time between two fetches of one feed caused
	// by pings; 0 means intake.DefaultPingInterval.
	PingInterval time.Duration
	// Editor edits and reloads the config file for the admin API's feed
	// endpoints; nil answers them 409.
	Editor admin.ConfigEditor
	// Replica is this process's id among the replicas sharing the
	// database; "" means NewReplicaID().
	Replica string
}

// App is a running Herald: server, poller and delivery workers.
type App struct {
	replica  string
	cfg      *config.Config
	log      *slog.Logger
	client   *http.Client
	shutdown time.Duration
	accounts *accounts.Registry
	remote   *remote.Resolver
	delivery *delivery.Deliverer
	intake   *intake.Poller
	inbox    *inbox.Inbox
	relays   *relays.Manager
	server   *server.Server
	api      *clientapi.API
	tasks    *taskRunner
}

// New prepares an App: it loads or creates every actor's key and builds
// the components. Nothing runs until Run.
func New(opts Options) (*App, error) {
	if opts.Config == nil || opts.Store == nil || opts.Client == nil || opts.Logger == nil {
		return nil, errors.New("app: Config, Store, Client and Logger are required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Replica == "" {
		opts.Replica = NewReplicaID()
	}
	opts.Logger = opts.Logger.With("replica", opts.Replica)
	a := &App{replica: opts.Replica, cfg: opts.Config, log: opts.Logger, client: opts.Client, shutdown: opts.ShutdownTimeout}
	if a.shutdown == 0 {
		a.shutdown = DefaultShutdownTimeout
	}
	render := actor.NewRenderer(opts.Config.BaseURL)
	var err error
	if a.accounts, err = accounts.New(accounts.Options{Config: opts.Config, Store: opts.Store, Render: render, Log: opts.Logger, Now: opts.Now}); err != nil {
		return nil, err
	}
	keyID, key, _ := a.accounts.InstanceKey()
	a.remote = remote.New(remote.Options{Store: opts.Store, Client: opts.Client, SignerKeyID: keyID, SignerKey: key,
		AlwaysSign: opts.Config.SignedFetch == config.SignedFetchAlways, PlainWebFinger: opts.Config.AllowPrivateAddresses,
		Now: opts.Now, Log: opts.Logger})
	gauges := &storeGauges{st: opts.Store, cfg: opts.Config, now: opts.Now}
	m := metrics.New(gauges)
	a.tasks = &taskRunner{st: opts.Store, replica: opts.Replica, lease: opts.Config.Lease(), now: opts.Now, log: opts.Logger,
		takeovers: m.LeaseTakeovers.WithLabelValues("task")}
	a.delivery = delivery.New(delivery.Options{Store: opts.Store, Client: opts.Client, Keys: a.accounts, Log: opts.Logger, Now: opts.Now,
		Workers: opts.Workers, PerHost: opts.PerHost, RetryDelay: opts.RetryDelay, Metrics: m,
		Replica: opts.Replica, Lease: opts.Config.Lease()})
	fetcher := &feeds.Fetcher{Client: opts.Client, UserAgent: outbound.UserAgent(opts.Version, opts.Config.BaseURL), Timeout: opts.Config.FetchTimeout.Std()}
	if a.intake, err = intake.New(intake.Options{Config: opts.Config, Store: opts.Store, Accounts: a.accounts, Render: render, Fetcher: fetcher,
		Deliveries: a.delivery, Metrics: m, Log: opts.Logger, Now: opts.Now, PingInterval: opts.PingInterval,
		Replica: opts.Replica, Lease: opts.Config.Lease()}); err != nil {
		return nil, err
	}
	if a.relays, err = relays.New(relays.Options{Config: opts.Config, Store: opts.Store, Render: render, Remote: a.remote,
		Deliveries: a.delivery, Log: opts.Logger, Now: opts.Now}); err != nil {
		return nil, err
	}
	gauges.relays = a.relays
	if a.inbox, err = inbox.New(inbox.Options{Config: opts.Config, Store: opts.Store, Accounts: a.accounts, Render: render, Remote: a.remote,
		Deliveries: a.delivery, Relays: a.relays, Client: opts.Client, Metrics: m, Log: opts.Logger, Now: opts.Now}); err != nil {
		return nil, err
	}
	if a.server, err = newServer(opts, a, render, m); err != nil {
		return nil, err
	}
	return a, nil
}

// newServer builds the admin endpoints and the server on the components of a.
func newServer(opts Options, a *App, render *actor.Renderer, m *metrics.Metrics) (*server.Server, error) {
	pages, err := dashboard.New()
	if err != nil {
		return nil, err
	}
	signIn, err := oauth.New(oauth.Options{Config: opts.Config, Store: opts.Store, Accounts: a.accounts, Log: opts.Logger, Now: opts.Now})
	if err != nil {
		return nil, err
	}
	api, err := clientapi.New(clientapi.Options{Config: opts.Config, Store: opts.Store, Accounts: a.accounts, Auth: signIn,
		Remote: a.remote, Deliveries: a.delivery, Render: render, Log: opts.Logger, Now: opts.Now, Version: opts.Version})
	if err != nil {
		return nil, err
	}
	a.api = api
	adm, err := admin.New(admin.Options{Config: opts.Config, Store: opts.Store, Accounts: a.accounts, Intake: a.intake, Render: render,
		Pages: pages, Metrics: m, Editor: opts.Editor, Relays: a.relays, Answerer: api, Log: opts.Logger, Now: opts.Now, Replica: opts.Replica})
	if err != nil {
		return nil, err
	}
	publicPages, err := public.New()
	if err != nil {
		return nil, err
	}
	return server.New(server.Options{Config: opts.Config, Store: opts.Store, Accounts: a.accounts, Render: render, Intake: a.intake,
		Inbox: a.inbox, Admin: adm, OAuth: signIn, ClientAPI: api, Pages: pages, Public: publicPages, Client: opts.Client, Log: opts.Logger,
		Now: opts.Now, Version: opts.Version})
}

// PublishScheduled publishes the posts scheduled in apps that are due now,
// as Run does every few seconds (clientapi.API.PublishDue), and returns
// how many it published.
func (a *App) PublishScheduled(ctx context.Context) (int, error) { return a.api.PublishDue(ctx) }

// Handler returns the HTTP handler (for tests that serve it themselves).
func (a *App) Handler() http.Handler { return a.server.Handler() }

// Run serves HTTP on ln and runs the poller, the delivery workers, the
// publisher of posts scheduled in apps and the background tasks (those
// one replica does for all only while it holds their lease, see
// tasks.go) until ctx is cancelled, then shuts
// down in order: stop intake (HTTP server, poller), let in-flight deliveries finish or return to the queue, and
// return. The caller closes the store afterwards.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.server.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	var wg sync.WaitGroup
	wg.Go(func() { a.intake.Run(workCtx) })
	wg.Go(func() { a.delivery.Run(workCtx) })
	for _, t := range a.leasedTasks() {
		wg.Go(func() { a.tasks.run(workCtx, t) })
	}
	// Per replica: what fills this replica's memory. The blocklist is
	// fetched into each inbox's memory (its removal of blocked followers
	// is idempotent); the outcomes of the ownership checks and the relay
	// actors, which the replica holding those tasks stores, are read back.
	wg.Go(func() { a.inbox.RunBlocklist(workCtx) })
	wg.Go(func() { a.accounts.WatchOwnership(workCtx) })
	wg.Go(func() { a.relays.RefreshKnown(workCtx) })
	wg.Go(func() { a.api.RunScheduler(workCtx) })
	a.log.Info("herald started", "listen", ln.Addr().String(), "base_url", a.cfg.BaseURL, "feeds", len(a.cfg.Feeds))

	var err error
	select {
	case <-ctx.Done():
	case err = <-serveErr:
		err = fmt.Errorf("http server: %w", err)
	}
	a.log.Info("shutting down")
	deadline, cancel := context.WithTimeout(context.Background(), a.shutdown)
	defer cancel()
	if shutErr := srv.Shutdown(deadline); shutErr != nil {
		a.log.Warn("http shutdown", "error", shutErr)
	}
	stopWork()
	wg.Wait()
	return err
}

// Replica is this process's id among the replicas sharing the database.
func (a *App) Replica() string { return a.replica }

// FeedHealth returns the health of handle's feed.
func (a *App) FeedHealth(handle string) (intake.FeedHealth, error) { return a.intake.Health(handle) }

// PollAllNow makes every feed due for a poll at once (the scheduler still
// applies its per-host and overall limits).
func (a *App) PollAllNow() { a.intake.PollAllNow() }

// RotateKey gives handle's actor a new key without making followers
// re-follow (see accounts.Registry.RotateKey). It must run with Herald
// stopped (see `herald keys rotate`).
func (a *App) RotateKey(handle string) (int, error) { return a.accounts.RotateKey(handle) }

// Move moves handle's followers to the account target (see
// accounts.Registry.Move).
func (a *App) Move(ctx context.Context, handle, target string) (int, error) {
	return a.accounts.Move(ctx, handle, target, a.remote)
}
