package inbox_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"herald/actor"
	"herald/app"
	"herald/config"
	"herald/fedtest"
	"herald/outbound"
	"herald/store"
)

// loadEnv is a Herald with its five posts and many remote accounts that
// share a few keys (generating 1,000 RSA keys would take minutes; the
// verification cost per request is the same).
type loadEnv struct {
	store *store.Store
	cfg   *config.Config
	posts []string
	accts []*fedtest.Account
	inbox string
}

func newLoadEnv(tb testing.TB, accounts, keys int) *loadEnv {
	tb.Helper()
	dir := fedtest.NewDirectory()
	tb.Cleanup(dir.Close)
	pool := make([]*rsa.PrivateKey, keys)
	for i := range pool {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			tb.Fatal(err)
		}
		pool[i] = k
	}
	e := &loadEnv{}
	for i := range accounts {
		e.accts = append(e.accts, dir.AddWithKey(fmt.Sprintf("/users/u%d", i), fedtest.StyleMastodon, pool[i%keys]))
	}
	return e
}

// start runs Herald (unlimited inbox rates, as cmd/herald runs it) on a
// loopback port and waits for its first poll. It takes testing.TB so that
// benchmarks can use it too.
func (e *loadEnv) start(tb testing.TB) {
	tb.Helper()
	fixture, err := os.ReadFile("../testdata/wordpress-6.1/1-published.feed.rss.xml")
	if err != nil {
		tb.Fatal(err)
	}
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(fixture)
	}))
	tb.Cleanup(feed.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	e.cfg = &config.Config{
		Listen: ln.Addr().String(), BaseURL: base, DataDir: tb.TempDir(),
		PollInterval: config.Duration(time.Hour), FetchTimeout: config.Duration(5 * time.Second),
		AllowPrivateAddresses: true, LogLevel: "error",
		Feeds: []config.Feed{{Handle: "news", URL: feed.URL, PollInterval: config.Duration(time.Hour)}},
		Inbox: config.Inbox{RateLimit: 1e9, RateBurst: 1e9},
	}
	st, err := store.Open(e.cfg.DataDir)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := app.New(app.Options{
		Config: e.cfg, Store: st, Version: "bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Client: outbound.NewClient(outbound.Options{AllowPrivate: true, Timeout: 5 * time.Second}),
	})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		<-done
		st.Close()
	})
	e.store = st
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if fs, _ := st.FeedState("news"); fs.Initialised {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatal("no first poll")
		}
	}
	urls := actor.URLs{Base: base}
	for _, p := range []int{1, 4, 6, 10, 12} { // the fixture's guids
		e.posts = append(e.posts, urls.Object("news", fmt.Sprintf("http://127.0.0.1:8081/?p=%d", p)))
	}
	e.inbox = base + "/inbox"
}

// signed is one pre-signed inbox POST.
type signed struct{ req *http.Request }

// presign signs n distinct Likes: request i is account i mod len(accts)
// liking post i/len(accts) mod 5, each with a unique id and signature.
func (e *loadEnv) presign(t testing.TB, n, round int) []signed {
	out := make([]signed, n)
	var wg sync.WaitGroup
	work := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range work {
				a := e.accts[i%len(e.accts)]
				body := []byte(fmt.Sprintf(`{"@context":"https://www.w3.org/ns/activitystreams","id":"%s#likes/%d-%d","type":"Like","actor":"%s","object":"%s"}`,
					a.ID(), round, i, a.ID(), e.posts[(i/len(e.accts))%len(e.posts)]))
				req, err := a.SignedPost(context.Background(), e.inbox, body, time.Now())
				if err != nil {
					t.Error(err)
					continue
				}
				out[i] = signed{req: req}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}

// fire sends reqs with the given concurrency and returns each latency and
// the number of answers other than 202.
func fire(reqs []signed, concurrency int) (lat []time.Duration, failures int64, elapsed time.Duration) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}, Timeout: 30 * time.Second}
	lat = make([]time.Duration, len(reqs))
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range concurrency {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) {
					return
				}
				t0 := time.Now()
				resp, err := client.Do(reqs[i].req)
				lat[i] = time.Since(t0)
				if err != nil {
					atomic.AddInt64(&failures, 1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusAccepted {
					atomic.AddInt64(&failures, 1)
				}
			}
		})
	}
	wg.Wait()
	return lat, failures, time.Since(start)
}

func percentile(lat []time.Duration, p float64) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// rsaVerifyRate measures raw RSA-2048 PKCS#1 v1.5 SHA-256 verifications per
// second on all CPUs, the ceiling of any verifying inbox on this machine.
func rsaVerifyRate(tb testing.TB, d time.Duration) float64 {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256([]byte("signing string"))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	var n atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, sum[:], sig) == nil {
					n.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / d.Seconds()
}

// TestInboxUnderLoad is the small variant of BenchmarkInboxVerifiedPOST:
// 300 distinct signed Likes from 60 accounts, 16 at a time, all accepted
// and all recorded.
func TestInboxUnderLoad(t *testing.T) {
	e := newLoadEnv(t, 60, 3)
	e.start(t)
	reqs := e.presign(t, 300, 0)
	_, failures, _ := fire(reqs, 16)
	if failures != 0 {
		t.Fatalf("%d of 300 POSTs not accepted", failures)
	}
	total := 0
	for _, p := range e.posts {
		_, n, _ := e.store.Interactions(p, "like", 0)
		total += n
	}
	if total != 300 {
		t.Fatalf("%d likes recorded, want 300", total)
	}
}

// benchConcurrency is how many POSTs the benchmark keeps in flight, as many
// servers delivering at once would.
const benchConcurrency = 32

// BenchmarkInboxVerifiedPOST measures verified inbox POSTs per second with
// warm key caches: distinct Likes from 1,000 accounts, each
// verified (draft-cavage, RSA-2048), checked and recorded, benchConcurrency
// in flight. It reports the
// rate, p50 and p99 latency, and the raw RSA verify rate measured in the
// same run, with their ratio. Run with
//
//	go test ./inbox -run '^$' -bench InboxVerifiedPOST -benchtime 6000x
func BenchmarkInboxVerifiedPOST(b *testing.B) {
	e := newLoadEnv(b, 1000, 8)
	e.start(b)
	// Warm the key caches: one POST per account.
	if _, failures, _ := fire(e.presign(b, len(e.accts), -1), 32); failures != 0 {
		b.Fatalf("warm-up: %d failures", failures)
	}
	reqs := e.presign(b, b.N, b.N)
	b.ResetTimer()
	lat, failures, elapsed := fire(reqs, benchConcurrency)
	b.StopTimer()
	if failures != 0 {
		b.Fatalf("%d of %d POSTs not accepted", failures, b.N)
	}
	rate := float64(b.N) / elapsed.Seconds()
	rsaRate := rsaVerifyRate(b, time.Second)
	b.ReportMetric(rate, "posts/s")
	b.ReportMetric(float64(percentile(lat, 0.50).Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99_ms")
	b.ReportMetric(rsaRate, "rsa_verify/s")
	b.ReportMetric(rate/rsaRate, "posts_per_rsa_verify")
}
