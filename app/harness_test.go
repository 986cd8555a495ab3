package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"herald/app"
	"herald/config"
	"herald/outbound"
	"herald/store"
)

// feedServer serves a feed document that a test can change at any time. It
// answers conditional GETs like WordPress does (ETag and 304).
type feedServer struct {
	*httptest.Server
	mu      sync.Mutex
	body    []byte
	status  int
	fetches int
}

func newFeedServer(t testing.TB, body []byte) *feedServer {
	f := &feedServer{body: body, status: http.StatusOK}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *feedServer) set(body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.body = body
}

func (f *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	body, status := f.body, f.status
	f.fetches++
	f.mu.Unlock()
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// herald is one running Herald on a temp data dir, as cmd/herald runs it.
type herald struct {
	t      testing.TB
	cfg    *config.Config
	opts   app.Options
	store  *store.Store
	app    *app.App
	cancel context.CancelFunc
	done   chan error
	addr   string
}

// heraldConfig returns a config for a Herald on a free loopback port.
func heraldConfig(t testing.TB, feeds ...config.Feed) *config.Config {
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

// testLogger logs to the test output when -v is given, else nowhere.
func testLogger(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// startHerald opens the store in cfg.DataDir and runs Herald until stop.
func startHerald(t testing.TB, cfg *config.Config, tweak func(*app.Options)) *herald {
	t.Helper()
	st, err := store.Open(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	opts := app.Options{
		Config: cfg, Store: st, Logger: testLogger(t), Version: "test",
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
	h := &herald{t: t, cfg: cfg, opts: opts, store: st, app: b, cancel: cancel, done: make(chan error, 1), addr: cfg.Listen}
	go func() { h.done <- b.Run(ctx, ln) }()
	t.Cleanup(func() { h.stop() })
	return h
}

// stop shuts Herald down as SIGTERM does and closes the store. It fails the
// test if shutdown takes longer than the 10 s the contract allows.
func (h *herald) stop() {
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

// eventually polls cond every 20 ms until it holds or timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/wordpress-6.1/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withItem inserts an RSS item before the first existing one.
func withItem(feed []byte, guid, title, description string) []byte {
	item := "<item><title>" + title + "</title><link>http://127.0.0.1:8081/" + guid + "/</link>" +
		"<pubDate>" + time.Now().UTC().Format(time.RFC1123Z) + "</pubDate>" +
		`<guid isPermaLink="false">http://127.0.0.1:8081/?p=` + guid + "</guid>" +
		"<description><![CDATA[" + description + "]]></description></item>\n"
	return []byte(strings.Replace(string(feed), "<item>", item+"<item>", 1))
}

// reopen opens the stopped Herald's store again (closed at test end).
func reopen(t testing.TB, h *herald) *store.Store {
	t.Helper()
	st, err := store.Open(h.cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
