package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"herald/fedtest"
	"herald/pgtest"
)

// TestBinarySurvivesSIGTERM builds herald as the contract says, runs it on a
// loopback feed, has a fake server follow it, stops it with SIGTERM (exit 0
// within 10 s) and starts it again: the follower is still there.
func TestBinarySurvivesSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	feedBody, err := os.ReadFile("../../testdata/wordpress-6.1/1-published.feed.rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(feedBody)
	}))
	defer feed.Close()
	addr := freeAddr(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "herald.yaml")
	cfg := fmt.Sprintf("listen: %q\nbase_url: %q\ndata_dir: %q\npoll_interval: 1s\nallow_private_addresses: true\nfeeds:\n  - handle: news\n    url: %q\n",
		addr, "http://"+addr, filepath.Join(dir, "data"), feed.URL)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	proc := startBinary(t, bin, base, "serve", "--config", cfgPath)
	alice, err := fedtest.New()
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	resp, err := alice.Post(ctx, base+"/users/news/inbox", alice.Follow(base+"/users/news", "1"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("Follow: HTTP %d", resp.StatusCode)
	}
	if _, err := alice.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Accept" && d.Verified }); err != nil {
		t.Fatal(err)
	}
	stopBinary(t, proc)

	proc = startBinary(t, bin, base, "serve", "--config", cfgPath)
	if n := followerCount(t, base); n != 1 {
		t.Fatalf("after restart: %d followers, want 1", n)
	}
	stopBinary(t, proc)
}

// TestConfigErrorsExitWithUsageCode: a bad config names the key and exits 2.
func TestConfigErrorsExitWithUsageCode(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "missing file", args: []string{"serve", "--config", "/nonexistent/herald.yaml"}, want: "read config"},
		{name: "unknown command", args: []string{"frobnicate"}, want: "unknown command"},
		{name: "no base_url", args: []string{"serve", "--config", writeFile(t, "feeds: [{handle: news, url: 'https://example.org/feed'}]\n")}, want: "base_url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			t.Setenv("HERALD_BASE_URL", "")
			if code := run(tc.args, &stdout, &stderr); code != exitUsage {
				t.Fatalf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("stderr %q does not mention %q", stderr.String(), tc.want)
			}
		})
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "herald.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type process struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	base   string
}

// syncBuffer is a bytes.Buffer safe to read while the child writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startBinary runs herald and waits until it answers /healthz at base.
func startBinary(t *testing.T, bin, base string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), stderr: &syncBuffer{}, base: base}
	p.cmd.Stderr = p.stderr
	p.cmd.Env = append(os.Environ(), "HERALD_LOG_LEVEL=debug")
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(p.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("herald did not start: %v\n%s", err, p.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stopBinary sends SIGTERM and expects exit 0 within 10 s.
func stopBinary(t *testing.T, p *process) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("herald exited with %v\n%s", err, p.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("herald did not exit within 10 s of SIGTERM\n%s", p.stderr)
	}
}

func followerCount(t *testing.T, base string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/users/news/followers", nil)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c struct {
		TotalItems int `json:"totalItems"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
		t.Fatal(err)
	}
	return c.TotalItems
}

// TestBinaryReloadsOnSIGHUP: SIGHUP applies an edited config file (a feed
// added with "herald feeds add") without the process exiting; a config with
// errors is refused and the running one stays.
func TestBinaryReloadsOnSIGHUP(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	addr := freeAddr(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "herald.yaml")
	cfg := fmt.Sprintf("listen: %q\nbase_url: %q\ndata_dir: %q\nallow_private_addresses: true\nfeeds:\n  - handle: news\n    url: http://127.0.0.1:1/feed\n",
		addr, "http://"+addr, filepath.Join(dir, "data"))
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr
	webfinger := func(handle string) int { return webfingerStatus(base, handle+"@"+addr) }
	proc := startBinary(t, bin, base, "serve", "--config", cfgPath)
	var editOut strings.Builder
	if code := run([]string{"feeds", "add", "--config", cfgPath, "weather", "http://127.0.0.1:1/weather"}, &editOut, &editOut); code != 0 {
		t.Fatalf("feeds add: exit %d: %s", code, editOut.String())
	}
	if webfinger("weather") != http.StatusNotFound {
		t.Fatal("the new feed is served before the reload")
	}
	if err := proc.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return webfinger("weather") == http.StatusOK })

	if err := os.WriteFile(cfgPath, []byte("feeds: [this is not: valid"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := proc.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return strings.Contains(proc.stderr.String(), "reload refused") })
	if webfinger("news") != http.StatusOK || webfinger("weather") != http.StatusOK {
		t.Fatal("a refused reload stopped serving")
	}
	stopBinary(t, proc)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestAdminAPIEditsConfig: the admin API adds, changes and removes feeds in
// the config file, and the running binary reloads it.
func TestAdminAPIEditsConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	addr := freeAddr(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "herald.yaml")
	token := strings.Repeat("k", 40)
	cfg := fmt.Sprintf("listen: %q\nbase_url: %q\ndata_dir: %q\nadmin_tokens:\n  - token: %q\n    role: operator\nfeeds:\n  - handle: news\n    url: http://127.0.0.1:1/feed\n",
		addr, "http://"+addr, filepath.Join(dir, "data"), token)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr
	proc := startBinary(t, bin, base, "serve", "--config", cfgPath)
	call := func(method, path, body string) int {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	webfinger := func(handle string) int { return webfingerStatus(base, handle+"@"+addr) }
	if got := call(http.MethodPost, "/admin/api/feeds", `{"handle":"weather","url":"http://127.0.0.1:1/weather"}`); got != http.StatusAccepted {
		t.Fatalf("add: HTTP %d", got)
	}
	waitFor(t, func() bool { return webfinger("weather") == http.StatusOK })
	waitFor(t, func() bool {
		return call(http.MethodPost, "/admin/api/feeds", `{"handle":"weather","url":"http://127.0.0.1:1/other"}`) == http.StatusBadRequest
	})
	if got := call(http.MethodPatch, "/admin/api/actors/weather", `{"name":"Het weer"}`); got != http.StatusAccepted {
		t.Fatalf("update: HTTP %d", got)
	}
	waitFor(t, func() bool {
		req, _ := http.NewRequest(http.MethodGet, base+"/users/weather", nil)
		req.Header.Set("Accept", "application/activity+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var doc struct{ Name string }
		_ = json.NewDecoder(resp.Body).Decode(&doc)
		return doc.Name == "Het weer"
	})
	if got := call(http.MethodDelete, "/admin/api/actors/weather", ""); got != http.StatusAccepted {
		t.Fatalf("remove: HTTP %d", got)
	}
	waitFor(t, func() bool { return webfinger("weather") == http.StatusNotFound })
	if got := call(http.MethodDelete, "/admin/api/actors/news", ""); got != http.StatusBadRequest {
		t.Fatalf("removing the last feed: HTTP %d, want 400", got)
	}
	stopBinary(t, proc)
}

// builtBinary is the herald binary the tests run, built once (buildBinary).
var builtBinary struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// buildBinary builds herald as the contract says (once per test run) and
// returns its path; TestMain removes it.
func buildBinary(t *testing.T) string {
	t.Helper()
	builtBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "herald-bin-")
		if err != nil {
			builtBinary.err = err
			return
		}
		builtBinary.path = filepath.Join(dir, "herald")
		builtBinary.out, builtBinary.err = exec.Command("go", "build", "-o", builtBinary.path, ".").CombinedOutput()
	})
	if builtBinary.err != nil {
		t.Fatalf("go build: %v\n%s", builtBinary.err, builtBinary.out)
	}
	return builtBinary.path
}

func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	if builtBinary.path != "" {
		os.RemoveAll(filepath.Dir(builtBinary.path))
	}
	os.Exit(code)
}

// webfingerStatus is the status of a WebFinger lookup of acct at base (0
// when the server does not answer).
func webfingerStatus(base, acct string) int {
	resp, err := http.Get(base + "/.well-known/webfinger?resource=acct:" + acct)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
