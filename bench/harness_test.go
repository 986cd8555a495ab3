package bench

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"herald/fedtest"
	"herald/store"
)

// heraldBin is the binary built once for all tests of the package.
var heraldBin string

func TestMain(m *testing.M) {
	if bin := os.Getenv("HERALD_BENCH_BIN"); bin != "" {
		heraldBin = bin // a binary built elsewhere, e.g. to profile it
		os.Exit(pgMain(m))
	}
	dir, err := os.MkdirTemp("", "herald-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	heraldBin = filepath.Join(dir, "herald")
	if out, err := exec.Command("go", "build", "-o", heraldBin, "herald/cmd/herald").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := pgMain(m) // the replica tests use PostgreSQL
	os.RemoveAll(dir)
	os.Exit(code)
}

// feed serves the WordPress fixture and, after publish, the same feed with
// one new item; it remembers when the new version was first served.
type feed struct {
	*httptest.Server
	mu        sync.Mutex
	body      []byte
	fetches   int
	published time.Time // first serve of the new version
	pending   bool
}

func newFeed(t *testing.T) *feed {
	body, err := os.ReadFile("../testdata/wordpress-6.1/1-published.feed.rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	f := &feed{body: body}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.fetches++
		body := f.body
		if f.pending {
			f.pending, f.published = false, time.Now()
		}
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
		_, _ = w.Write(body)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *feed) fetchCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fetches
}

// publish adds a new item to the feed.
func (f *feed) publish(guid string) {
	item := "<item><title>Bench " + guid + "</title><link>http://127.0.0.1:8081/" + guid + "/</link>" +
		"<pubDate>" + time.Now().UTC().Format(time.RFC1123Z) + "</pubDate>" +
		`<guid isPermaLink="false">http://127.0.0.1:8081/?p=` + guid + "</guid>" +
		"<description><![CDATA[Nieuw bericht " + guid + ".]]></description></item>\n"
	f.mu.Lock()
	defer f.mu.Unlock()
	f.body = []byte(strings.Replace(string(f.body), "<item>", item+"<item>", 1))
	f.pending = true
}

func (f *feed) publishedAt() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.published
}

// instance is one Herald data directory and config, run as a process.
type instance struct {
	t       *testing.T
	dir     string
	config  string
	base    string
	feed    *feed
	proc    *exec.Cmd
	stderr  *bytes.Buffer
	exited  chan error
	timeout time.Duration
	cpus    string // when set, the process is pinned to these cores (taskset -c) with GOMAXPROCS=1
}

// newInstance prepares a data dir whose "news" account is followed by
// every host of fleet (through its shared inbox unless personal is set).
func newInstance(t *testing.T, fleet *fedtest.Fleet, follow bool, fetchTimeout time.Duration) *instance {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	in := &instance{t: t, dir: t.TempDir(), base: "http://" + addr, feed: newFeed(t), timeout: fetchTimeout}
	in.config = filepath.Join(in.dir, "herald.yaml")
	cfg := fmt.Sprintf("listen: %q\nbase_url: %q\ndata_dir: %q\npoll_interval: 1s\nfetch_timeout: %s\n"+
		"allow_private_addresses: true\nlog_level: warn\nfeeds:\n  - handle: news\n    url: %q\n",
		addr, in.base, filepath.Join(in.dir, "data"), fetchTimeout, in.feed.URL)
	if err := os.WriteFile(in.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if follow {
		in.importFollowers(fleet)
	}
	return in
}

func (in *instance) importFollowers(fleet *fedtest.Fleet) {
	st, err := store.Open(filepath.Join(in.dir, "data"))
	if err != nil {
		in.t.Fatal(err)
	}
	defer st.Close()
	var fs []store.Follower
	for _, h := range fleet.Hosts() {
		fs = append(fs, store.Follower{ID: h.ActorID(), Inbox: h.Inbox(), SharedInbox: h.SharedInbox(),
			FollowID: h.ActorID() + "#follows/1", Since: time.Now().UTC()})
	}
	if _, err := st.ImportFollowers("news", fs); err != nil {
		in.t.Fatal(err)
	}
}

// start runs the binary and waits until it answers.
func (in *instance) start() {
	in.t.Helper()
	in.stderr = &bytes.Buffer{}
	args := []string{heraldBin, "serve", "--config", in.config}
	in.proc = exec.Command(args[0], args[1:]...)
	if in.cpus != "" { // taskset execs the binary: the pid stays Herald's
		in.proc = exec.Command("taskset", append([]string{"-c", in.cpus}, args...)...)
		in.proc.Env = append(os.Environ(), "GOMAXPROCS=1")
	}
	if lv := os.Getenv("HERALD_BENCH_LOG"); lv != "" {
		in.proc.Env = append(in.proc.Environ(), "HERALD_LOG_LEVEL="+lv)
	}
	in.proc.Stderr = &lockedWriter{w: in.stderr}
	if err := in.proc.Start(); err != nil {
		in.t.Fatal(err)
	}
	in.exited = make(chan error, 1)
	go func(p *exec.Cmd, done chan<- error) { done <- p.Wait() }(in.proc, in.exited)
	in.t.Cleanup(func() { _ = in.proc.Process.Kill() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(in.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			in.t.Fatalf("herald did not start: %v\n%s", err, in.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// initialised waits for the first poll to be over (a second poll started).
func (in *instance) initialised() {
	in.t.Helper()
	start := in.feed.fetchCount()
	deadline := time.Now().Add(10 * time.Second)
	for in.feed.fetchCount() < start+2 {
		if time.Now().After(deadline) {
			in.t.Fatal("herald does not poll the feed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// resetPeakRSS sets the process's peak resident set size to its current
// one (Linux: 5 written to clear_refs), so that peakRSS gives the peak
// from here on.
func (in *instance) resetPeakRSS() {
	path := fmt.Sprintf("/proc/%d/clear_refs", in.proc.Process.Pid)
	if err := os.WriteFile(path, []byte("5"), 0o200); err != nil {
		in.t.Fatalf("reset the peak RSS: %v", err)
	}
}

// peakRSS returns the process's peak resident set size in bytes.
func (in *instance) peakRSS() int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", in.proc.Process.Pid))
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return -1
}

// stop sends SIGTERM and expects exit 0 within 10 s.
func (in *instance) stop() {
	in.t.Helper()
	_ = in.proc.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-in.exited:
		if err != nil {
			in.t.Fatalf("herald exited with %v\n%s", err, in.stderr)
		}
	case <-time.After(10 * time.Second):
		in.t.Fatal("herald did not stop within 10 s")
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (in *instance) kill() {
	_ = in.proc.Process.Signal(syscall.SIGKILL)
	<-in.exited
}

// openStore opens the stopped instance's store (closed at test end).
func (in *instance) openStore() *store.Store {
	in.t.Helper()
	st, err := store.Open(filepath.Join(in.dir, "data"))
	if err != nil {
		in.t.Fatal(err)
	}
	in.t.Cleanup(func() { st.Close() })
	return st
}

// lockedWriter lets the process write stderr while a test reads it.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w.Len() > 1<<20 {
		return len(p), nil // keep the first MiB
	}
	return l.w.Write(p)
}

// cpuTime returns the CPU time (user + system) Herald has used so far.
func (in *instance) cpuTime() time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", in.proc.Process.Pid))
	if err != nil {
		return -1
	}
	// Fields after the command name (in parentheses): utime and stime are
	// the 12th and 13th, in clock ticks of 1/100 s.
	_, rest, _ := strings.Cut(string(raw), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return -1
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// processCPU returns the CPU time the test process has used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// signingCPU measures the CPU time of n RSA-2048 signatures (the test
// process is otherwise idle meanwhile). Unlike wall time it hardly depends
// on what else the shared machine runs.
func signingCPU(t *testing.T, n int) time.Duration {
	start := processCPU()
	signingTime(t, n)
	return processCPU() - start
}

// signingTime measures how long this machine takes to make n RSA-2048
// PKCS#1 v1.5 SHA-256 signatures on all cores: the floor of a fan-out.
func signingTime(t *testing.T, n int) time.Duration {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("Herald"))
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.NumCPU() {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:]); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// newFleet starts a fleet and closes it at test end (runs close it
// earlier, so two large fleets never hold their sockets at once).
func newFleet(t *testing.T, n int, fault func(int) fedtest.Fault) *fedtest.Fleet {
	t.Helper()
	f, err := fedtest.NewFleet(fedtest.FleetOptions{N: n, Fault: fault})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

// duplicates sums the repeated deliveries of typ over the fleet, and
// reports hosts that got none.
func deliveryCounts(f *fedtest.Fleet, typ string) (missing, duplicates int) {
	for _, h := range f.Hosts() {
		if h.Fault() != fedtest.Healthy {
			continue
		}
		byType, dups := h.Verified()
		if byType[typ] == 0 {
			missing++
		}
		duplicates += dups
	}
	return missing, duplicates
}

// ctxFor returns a context that ends after d, cancelled at test end.
func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
