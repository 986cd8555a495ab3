package intake_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"herald/actor"
	"herald/app"
	"herald/config"
	"herald/fedtest"
	"herald/outbound"
	"herald/store"
)

// pushLatencies runs Herald with one feed pushed by the test hub and one
// follower, then n times: the publisher adds an item and pings the hub; it
// returns, for each, the time from the ping to the follower receiving the
// Create (Herald's first delivery attempt).
func pushLatencies(tb testing.TB, n int) []time.Duration {
	hub := newTestHub(tb, 864000)
	feed := newPushFeed(tb, hub.URL+"/")
	ctx, cfg, stopHerald := runPushHerald(tb, feed.URL+"/feed")
	defer stopHerald()
	waitFor(tb, 10*time.Second, func() bool { return hub.subscribers(feed.URL+"/feed") == 1 })

	alice, err := fedtest.New()
	if err != nil {
		tb.Fatal(err)
	}
	defer alice.Close()
	urls := actor.URLs{Base: cfg.BaseURL}
	wait, stop := context.WithTimeout(ctx, time.Minute)
	defer stop()
	follow := alice.Follow(urls.Actor("news"), "1")
	if resp, err := alice.Post(wait, urls.Inbox("news"), follow); err != nil {
		tb.Fatal(err)
	} else {
		resp.Body.Close()
	}
	if _, err := alice.WaitFor(wait, func(d fedtest.Delivery) bool { return d.Type() == "Accept" }); err != nil {
		tb.Fatal(err)
	}
	var out []time.Duration
	for i := 1; i <= n; i++ {
		feed.setItems(i)
		id := urls.Object("news", fmt.Sprintf("https://site.example/?p=%d", i))
		start := time.Now()
		hub.publish(feed.URL + "/feed")
		if _, err := alice.WaitFor(wait, func(d fedtest.Delivery) bool { return d.Type() == "Create" && d.Object()["id"] == id }); err != nil {
			tb.Fatal(err)
		}
		out = append(out, time.Since(start))
	}
	return out
}

// pushFeed is a feed that names hub in a Link header and holds the items
// 0 to items, newest first. It is safe for concurrent use.
type pushFeed struct {
	*httptest.Server
	hub   string
	mu    sync.Mutex
	items int
}

// newPushFeed serves a pushFeed with item 0 only; the test's cleanup
// closes it.
func newPushFeed(tb testing.TB, hub string) *pushFeed {
	f := &pushFeed{hub: hub}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.Close)
	return f
}

// setItems serves the items 0 to n from now on.
func (f *pushFeed) setItems(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = n
}

func (f *pushFeed) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Link", "<"+f.hub+`>; rel="hub"`)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Push</title>`)
	for i := f.items; i >= 0; i-- {
		fmt.Fprintf(&b, `<item><title>Bericht %d</title><link>https://site.example/%d</link><guid>https://site.example/?p=%d</guid><pubDate>%s</pubDate></item>`,
			i, i, i, time.Now().UTC().Format(time.RFC1123Z))
	}
	b.WriteString(`</channel></rss>`)
	_, _ = w.Write([]byte(b.String()))
}

// runPushHerald runs Herald for the feed news at feedURL, polled hourly so
// that only pushes bring new items, and returns the context it runs in,
// its config and a function that stops it and closes the store.
func runPushHerald(tb testing.TB, feedURL string) (context.Context, *config.Config, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.(interface{ TempDir() string }).TempDir()
	cfg := &config.Config{Listen: ln.Addr().String(), BaseURL: "http://" + ln.Addr().String(), DataDir: dir,
		PollInterval: config.Duration(time.Hour), PushPollInterval: config.Duration(time.Hour),
		FetchTimeout: config.Duration(5 * time.Second), AllowPrivateAddresses: true, LogLevel: "error",
		Feeds: []config.Feed{{Handle: "news", URL: feedURL, PollInterval: config.Duration(time.Hour)}}}
	st, err := store.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := app.New(app.Options{Config: cfg, Store: st, Logger: discardLogger(), Version: "bench",
		Client: outbound.NewClient(outbound.Options{AllowPrivate: true, Timeout: 5 * time.Second})})
	if err != nil {
		st.Close()
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = b.Run(ctx, ln); close(done) }()
	return ctx, cfg, func() { cancel(); <-done; st.Close() }
}

// TestPushLatencySmall: three pushes in a row each reach the follower (no
// timing asserted; see BenchmarkWebSubPushToDelivery).
func TestPushLatencySmall(t *testing.T) {
	lat := pushLatencies(t, 3)
	t.Logf("ping → first delivery attempt: %v", lat)
}

// BenchmarkWebSubPushToDelivery: publisher ping → hub → Herald → the
// follower's inbox, per push; reports the median and the worst of 50.
func BenchmarkWebSubPushToDelivery(b *testing.B) {
	for range b.N {
		lat := pushLatencies(b, 50)
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median_ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max_ms")
	}
}
