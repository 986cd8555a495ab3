package intake_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"herald/actor"
	"herald/app"
	"herald/config"
	"herald/feeds"
	"herald/outbound"
	"herald/store"
)

// farm is one loopback HTTP server listening on several ports (each port a
// "host" for the per-host limit) serving n small RSS feeds at /f/N with
// ETags. bump adds a new item to a feed; others answer 304 to their ETag.
type farm struct {
	srv   *http.Server
	urls  []string
	gen   []atomic.Int32
	hits  atomic.Int64
	fulls atomic.Int64
}

func newFarm(tb testing.TB, n, hosts int) *farm {
	f := &farm{gen: make([]atomic.Int32, n)}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve), ReadHeaderTimeout: 10 * time.Second}
	var ports []string
	for range hosts {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		ports = append(ports, ln.Addr().String())
		go func() { _ = f.srv.Serve(ln) }()
	}
	tb.Cleanup(func() { _ = f.srv.Close() })
	for i := range n {
		f.urls = append(f.urls, "http://"+ports[i%hosts]+"/f/"+strconv.Itoa(i))
	}
	return f
}

func (f *farm) serve(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/f/"))
	if err != nil || i < 0 || i >= len(f.gen) {
		http.NotFound(w, r)
		return
	}
	gen := f.gen[i].Load()
	etag := fmt.Sprintf(`"%d-%d"`, i, gen)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	f.fulls.Add(1)
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed ` + strconv.Itoa(i) + `</title><link>https://site.example/</link>`)
	item := func(id, when string) {
		fmt.Fprintf(&b, `<item><title>Bericht %s</title><link>https://site.example/%d/%s</link><guid>https://site.example/?p=%d-%s</guid><pubDate>%s</pubDate><description>Tekst van bericht %s.</description></item>`,
			id, i, id, i, id, when, id)
	}
	for g := gen; g > 0; g-- {
		item("new"+strconv.Itoa(int(g)), time.Now().UTC().Format(time.RFC1123Z))
	}
	for k := 3; k > 0; k-- {
		item(strconv.Itoa(k), time.Date(2026, 11, 1, k, 0, 0, 0, time.UTC).Format(time.RFC1123Z))
	}
	b.WriteString(`</channel></rss>`)
	_, _ = w.Write([]byte(b.String()))
}

// resetPeakRSS resets the kernel's high-water mark of this process's RSS
// (Linux: "5" into clear_refs); false if it cannot.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is VmHWM (peak resident set) in bytes, 0 if unknown.
func peakRSS() int64 { return procStatus("VmHWM:") }

// procStatus reads a kB figure of /proc/self/status in bytes.
func procStatus(field string) int64 {
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// roundResult are the figures of one polling round.
type roundResult struct {
	herald, naive         time.Duration
	heraldPeak, naivePeak int64 // VmHWM during the round
	heraldBase, naiveBase int64 // VmRSS when the round started
	heraldHeap            uint64
	heraldHeapBase        uint64
	anonEnd, fileEnd      int64 // RssAnon and RssFile (the database's pages) at the end
	fulls                 int64
}

// rss is VmRSS in bytes, 0 if unknown.
func rss() int64 { return procStatus("VmRSS:") }

// pollRound runs Herald (real scheduler, store and pipeline) on n feeds
// spread over hosts ports: a first round imports them, then every feed is
// made due at once with 5 % of them carrying a new item and the rest
// answering 304, and the time until every poll is done is measured. A naive
// sequential poller (conditional GET, parse, save state, one feed after
// another) then does the same round against its own store.
func pollRound(tb testing.TB, n, hosts int) roundResult {
	f := newFarm(tb, n, hosts)
	dir := tb.(interface{ TempDir() string }).TempDir()
	st, err := store.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	pem, err := actor.GenerateKeyPEM()
	if err != nil {
		tb.Fatal(err)
	}
	cfg := &config.Config{Listen: "127.0.0.1:0", BaseURL: "http://127.0.0.1:1", DataDir: dir,
		PollInterval: config.Duration(time.Hour), FetchTimeout: config.Duration(10 * time.Second),
		AllowPrivateAddresses: true, LogLevel: "error"}
	for i, u := range f.urls {
		cfg.Feeds = append(cfg.Feeds, config.Feed{Handle: "f" + strconv.Itoa(i), URL: u, PollInterval: config.Duration(time.Hour)})
	}
	if err := seedKeys(st, cfg, pem); err != nil {
		tb.Fatal(err)
	}
	client := outbound.NewClient(outbound.Options{AllowPrivate: true, Timeout: 10 * time.Second})
	b, err := app.New(app.Options{Config: cfg, Store: st, Client: client, Logger: discardLogger(), Version: "bench"})
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = b.Run(ctx, ln); close(done) }()
	defer func() { cancel(); <-done }()

	waitFor(tb, 10*time.Minute, func() bool { return f.hits.Load() >= int64(n) }) // the import round
	waitPolled(tb, st, cfg.Feeds, time.Time{})

	res := measureRound(tb, f, st, cfg.Feeds, b)
	cancel()
	<-done

	res.naive, res.naiveBase, res.naivePeak = naiveRound(tb, f, client)
	return res
}

// measureRound gives every 20th feed of f a new item, makes every feed
// of all due at once through b, and measures the round until each is
// polled: time, memory and the feeds answering with a body. It fails if a
// changed feed did not record its new item.
func measureRound(tb testing.TB, f *farm, st *store.Store, all []config.Feed, b *app.App) roundResult {
	var res roundResult
	changed := bump(f)
	debug.FreeOSMemory()
	resetPeakRSS()
	res.heraldBase = rss()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.heraldHeapBase = ms.HeapInuse
	stopHeap := sampleHeap(&res.heraldHeap)
	fulls := f.fulls.Load()
	start := time.Now()
	hits := f.hits.Load()
	b.PollAllNow()
	waitFor(tb, 10*time.Minute, func() bool { return f.hits.Load() >= hits+int64(len(f.urls)) })
	waitPolled(tb, st, all, start)
	res.herald = time.Since(start)
	res.heraldPeak = peakRSS()
	res.anonEnd, res.fileEnd = procStatus("RssAnon:"), procStatus("RssFile:")
	stopHeap()
	res.fulls = f.fulls.Load() - fulls
	for _, i := range changed {
		seen, _ := st.SeenItems("f" + strconv.Itoa(i))
		if len(seen) != 4 {
			fs, _ := st.FeedState("f" + strconv.Itoa(i))
			tb.Fatalf("feed %d: %d items after the round, want 4 (state %+v)", i, len(seen), fs)
		}
	}
	return res
}

// sampleHeap records the peak of the Go heap in use into *peak every
// 50 ms until the returned stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			*peak = max(*peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// bump gives every 20th feed a new item and returns their numbers.
func bump(f *farm) []int {
	var out []int
	for i := range f.gen {
		if i%20 == 0 {
			f.gen[i].Add(1)
			out = append(out, i)
		}
	}
	return out
}

// seedKeys stores one key for every actor, so that the benchmark does not
// spend minutes generating 10,000 RSA keys.
func seedKeys(st *store.Store, cfg *config.Config, pem []byte) error {
	names := []string{"@instance"}
	for _, f := range cfg.Feeds {
		names = append(names, f.Handle)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(names))
	sem := make(chan struct{}, 32)
	for _, name := range names {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if _, err := st.ActorKey(name, func() ([]byte, error) { return pem, nil }); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// waitPolled waits until every feed's last attempt is after since.
func waitPolled(tb testing.TB, st *store.Store, fs []config.Feed, since time.Time) {
	for _, fc := range fs {
		waitFor(tb, 10*time.Minute, func() bool {
			s, _ := st.FeedState(fc.Handle)
			return s.LastAttempt.After(since) && s.Initialised
		})
	}
}

func waitFor(tb testing.TB, timeout time.Duration, cond func() bool) {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %s", timeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// naiveRound is the baseline: one feed after another, conditional GET,
// parse and save the state in its own store, after an import round; the
// measured round has the same 5 % of new items.
func naiveRound(tb testing.TB, f *farm, client *http.Client) (took time.Duration, base, peak int64) {
	st, err := store.Open(tb.(interface{ TempDir() string }).TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	fetcher := &feeds.Fetcher{Client: client}
	round := func() {
		for i, u := range f.urls {
			handle := "f" + strconv.Itoa(i)
			s, _ := st.FeedState(handle)
			res, err := fetcher.Fetch(context.Background(), u, feeds.Validators{ETag: s.ETag})
			if err != nil {
				tb.Fatal(err)
			}
			s.ETag, s.LastAttempt = res.Validators.ETag, time.Now()
			if err := st.SaveFeedState(handle, s); err != nil {
				tb.Fatal(err)
			}
		}
	}
	round()
	bump(f)
	debug.FreeOSMemory()
	resetPeakRSS()
	base = rss()
	start := time.Now()
	round()
	return time.Since(start), base, peakRSS()
}

// TestPollRoundSmall runs the polling benchmark on 200 feeds: it checks
// that a round polls everything once and records exactly the new items
// (no timing is asserted).
func TestPollRoundSmall(t *testing.T) {
	res := pollRound(t, 200, 4)
	if res.fulls != 10 {
		t.Errorf("%d feeds answered with a body, want the 10 changed ones", res.fulls)
	}
	t.Logf("200 feeds: Herald %s, naive %s", res.herald, res.naive)
}

// BenchmarkPollRound10k: 10,000 feeds on one loopback server (50 ports),
// 95 % answering 304 and 5 % with a new item, polled by the real scheduler
// and store; the naive sequential poller's round is measured in the same
// run. Reports round seconds and peak RSS (MB) of both.
func BenchmarkPollRound10k(b *testing.B) {
	for range b.N {
		res := pollRound(b, 10000, 50)
		b.ReportMetric(res.herald.Seconds(), "herald_round_s")
		b.ReportMetric(res.naive.Seconds(), "naive_round_s")
		b.ReportMetric(float64(res.heraldPeak)/(1<<20), "herald_peak_rss_MB")
		b.ReportMetric(float64(res.naivePeak)/(1<<20), "naive_peak_rss_MB")
		b.ReportMetric(res.naive.Seconds()/res.herald.Seconds(), "speedup_x")
		b.ReportMetric(float64(res.heraldBase)/(1<<20), "herald_rss_at_start_MB")
		b.ReportMetric(float64(res.naiveBase)/(1<<20), "naive_rss_at_start_MB")
		b.ReportMetric(float64(res.heraldHeap)/(1<<20), "herald_peak_heap_MB")
		b.ReportMetric(float64(res.heraldHeapBase)/(1<<20), "herald_heap_at_start_MB")
		b.ReportMetric(float64(res.anonEnd)/(1<<20), "herald_rss_anon_end_MB")
		b.ReportMetric(float64(res.fileEnd)/(1<<20), "herald_rss_file_end_MB")
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
