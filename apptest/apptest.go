// Package apptest is test support for Herald's end-to-end tests, which live
// in the external test package of the package whose behaviour each one
// tests (inbox_test, intake_test, delivery_test, ...). It is not used by
// Herald itself.
//
// It starts a whole Herald on a temp data dir and a free loopback port, run
// as cmd/herald runs it (app.New, then Run until Stop); serves feeds that
// answer conditional GETs as WordPress does; reads the WordPress fixtures of
// testdata/ from any package directory; and has the helpers the tests
// share: polling until a condition holds, fake fediverse peers (package
// fedtest) that follow and post, and admin API calls.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"testing"
	"time"

	"herald/app"
	"herald/config"
	"herald/outbound"
	"herald/store"
)

// Herald is one running Herald on a temp data dir, as cmd/herald runs it.
type Herald struct {
	t      testing.TB
	cfg    *config.Config
	opts   app.Options
	store  Store
	app    *app.App
	cancel context.CancelFunc
	done   chan error
	addr   string
}

// Config returns a config for a Herald on a free loopback port with a temp
// data dir, polling every second, allowed to fetch from loopback. Feeds
// without a poll interval get one second.
func Config(t testing.TB, feeds ...config.Feed) *config.Config {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	for i := range feeds {
		if feeds[i].PollInterval == 0 {
			feeds[i].PollInterval = config.Duration(time.Second)
		}
	}
	return &config.Config{
		Listen: addr, BaseURL: "http://" + addr, DataDir: t.TempDir(),
		PollInterval: config.Duration(time.Second), FetchTimeout: config.Duration(2 * time.Second),
		AllowPrivateAddresses: true, LogLevel: "debug", Feeds: feeds,
	}
}

// ReplicaConfig returns a copy of cfg for another replica of the same
// Herald: its own free loopback port and data dir, the rest (base_url,
// database_url, feeds) shared, as replicas behind a load balancer share
// them. Requests for the replica go to its Addr with the Host of
// base_url.
func ReplicaConfig(t testing.TB, cfg *config.Config) *config.Config {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	replica := *cfg
	replica.Listen = ln.Addr().String()
	ln.Close()
	replica.DataDir = t.TempDir()
	return &replica
}

// Logger logs to the test output when -v is given, else nowhere.
func Logger(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Start opens the store in cfg.DataDir and runs Herald on cfg.Listen until
// Stop, which the test's cleanup calls too. Retries wait 100 ms; tweak, if
// not nil, may change the options before app.New.
func Start(t testing.TB, cfg *config.Config, tweak func(*app.Options)) *Herald {
	t.Helper()
	st, err := openStore(cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts := app.Options{
		Config: cfg, Store: st, Logger: Logger(t), Version: "test",
		Client:     outbound.NewClient(outbound.Options{AllowPrivate: true, Timeout: cfg.FetchTimeout.Std()}),
		RetryDelay: func(int) time.Duration { return 100 * time.Millisecond },
	}
	if tweak != nil {
		tweak(&opts)
	}
	b, err := app.New(opts)
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	var ln net.Listener
	for i := 0; i < 50; i++ { // the port of a previous run may take a moment to free
		if ln, err = net.Listen("tcp", cfg.Listen); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &Herald{t: t, cfg: cfg, opts: opts, store: st, app: b, cancel: cancel, done: make(chan error, 1), addr: cfg.Listen}
	go func() { h.done <- b.Run(ctx, ln) }()
	t.Cleanup(func() { h.Stop() })
	return h
}

// Stop shuts Herald down as SIGTERM does and closes the store. It fails the
// test if shutdown takes longer than the 10 s the contract allows. Stopping
// a stopped Herald does nothing.
func (h *Herald) Stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("Run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		h.t.Fatal("Herald did not stop within 10 s")
	}
	if err := h.store.Close(); err != nil {
		h.t.Errorf("close store: %v", err)
	}
}

// Store is Herald's open store; it is closed once Herald stops.
func (h *Herald) Store() Store { return h.store }

// Config is the config Herald runs with. A test may change it between
// Stop and the next Start.
func (h *Herald) Config() *config.Config { return h.cfg }

// Options are the options Herald was built with (client, logger, ...).
func (h *Herald) Options() app.Options { return h.opts }

// App is the running App.
func (h *Herald) App() *app.App { return h.app }

// Addr is the loopback address Herald listens on.
func (h *Herald) Addr() string { return h.addr }

// Reopen opens the stopped Herald's store again (closed at test end).
func Reopen(t testing.TB, h *Herald) *store.Store {
	t.Helper()
	st, err := store.Open(h.cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Eventually polls cond every 20 ms until it holds, and fails the test if
// timeout passes first, naming what it waited for.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
