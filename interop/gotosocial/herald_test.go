package gotosocial_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// adminToken is the operator token of the Herald under test.
const adminToken = "gotosocial-interop-operator-token-0123456789"

// heraldProc is Herald run as its built binary, `herald serve --config
// FILE`, on a free loopback port whose number is part of base_url.
type heraldProc struct {
	bin, dir   string
	base, host string // base_url and its host:port
	config     string // the config file
	log        string // stdout and stderr of every run
	cmd        *exec.Cmd
	done       chan error
	client     *http.Client
}

func newHerald(t *testing.T, bin string) *heraldProc {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	host := "127.0.0.1:" + strconv.Itoa(port)
	return &heraldProc{bin: bin, dir: dir, base: "http://" + host, host: host,
		config: filepath.Join(dir, "herald.yaml"), log: filepath.Join(dir, "herald.log"),
		client: &http.Client{Timeout: 10 * time.Second}}
}

// writeConfig writes the config: feed, avatar and the options the test
// turns on (authorized_fetch).
func (h *heraldProc) writeConfig(t *testing.T, feedURL, avatar string, authorizedFetch bool) {
	t.Helper()
	cfg := fmt.Sprintf(`listen: %q
base_url: %q
data_dir: %q
poll_interval: "1s"
allow_private_addresses: true
log_level: debug
authorized_fetch: %t
admin_tokens:
  - token: %q
    role: operator
    name: interop
feeds:
  - handle: news
    url: %q
    avatar: %q
`, h.host, h.base, filepath.Join(h.dir, "data"), authorizedFetch, adminToken, feedURL, avatar)
	if err := os.WriteFile(h.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

// command returns `herald ARGS` with an environment free of HERALD_*
// variables (the config file says everything).
func (h *heraldProc) command(args ...string) *exec.Cmd {
	cmd := exec.Command(h.bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HERALD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	return cmd
}

// start runs `herald serve` and waits until /healthz answers.
func (h *heraldProc) start(t *testing.T) {
	t.Helper()
	logFile, err := os.OpenFile(h.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := h.command("serve", "--config", h.config)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	h.cmd, h.done = cmd, done
	// The goroutine ends when the process does; stop waits for it.
	go func() { done <- cmd.Wait(); logFile.Close() }()
	waitFor(t, 15*time.Second, "Herald answering /healthz", func() (bool, string) {
		select {
		case err := <-h.done:
			h.done <- err
			return false, fmt.Sprintf("Herald exited: %v\n%s", err, h.logTail(20))
		default:
		}
		resp, err := h.client.Get(h.base + "/healthz")
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, "HTTP " + resp.Status
	})
}

// stop sends SIGTERM and waits for a clean exit (the contract: 10 s).
func (h *heraldProc) stop(t *testing.T) {
	t.Helper()
	if h.cmd == nil {
		return
	}
	cmd := h.cmd
	h.cmd = nil
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("herald serve exited with %v after SIGTERM", err)
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		<-h.done
		t.Errorf("herald serve did not stop within 15 s of SIGTERM")
	}
}

// run runs a herald command (Herald stopped) and returns its output.
func (h *heraldProc) run(t *testing.T, args ...string) string {
	t.Helper()
	out, err := h.command(args...).CombinedOutput()
	if err != nil {
		t.Fatalf("herald %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// logTail returns the last n lines Herald logged.
func (h *heraldProc) logTail(n int) string {
	b, _ := os.ReadFile(h.log)
	return tail(b, n)
}

// adminGet GETs an admin API path into v.
func (h *heraldProc) adminGet(path string, v any) error {
	req, err := http.NewRequest(http.MethodGet, h.base+"/admin/api"+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /admin/api%s: HTTP %d %s", path, resp.StatusCode, body)
	}
	return json.Unmarshal(body, v)
}

// stats are Herald's statistics of the news account (admin API).
type stats struct {
	Followers    int `json:"followers"`
	Posts        int `json:"posts"`
	Interactions struct {
		Likes   int `json:"likes"`
		Boosts  int `json:"boosts"`
		Replies int `json:"replies"`
	} `json:"interactions"`
}

func (s stats) String() string {
	return fmt.Sprintf("%d followers, %d posts, %d likes, %d boosts, %d replies",
		s.Followers, s.Posts, s.Interactions.Likes, s.Interactions.Boosts, s.Interactions.Replies)
}

func (h *heraldProc) stats() (stats, error) {
	var s stats
	return s, h.adminGet("/actors/news", &s)
}

// pending returns the number of queued deliveries.
func (h *heraldProc) pending() (int, error) {
	var q struct {
		Pending int `json:"pending"`
	}
	return q.Pending, h.adminGet("/deliveries", &q)
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitFor polls cond every 200 ms until it holds or timeout passes, then
// fails with what: the last observation cond described.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (ok bool, seen string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, seen := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not so after %s; last seen: %s", what, timeout, seen)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// followIDs returns the Follow activity ids of the news account's
// followers, as Herald holds them: a re-follow would change them.
func followIDs(t *testing.T, h *heraldProc) string {
	t.Helper()
	var fs []struct {
		FollowID string `json:"follow_id"`
	}
	if err := h.adminGet("/actors/news/followers", &fs); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.FollowID)
	}
	return strings.Join(ids, " ")
}

// noteInOutbox returns the id of the post about article, from the news
// account's outbox (fetched unsigned).
func noteInOutbox(t *testing.T, h *heraldProc, article string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.base+"/users/news/outbox?page=true", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/activity+json")
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Items []struct {
			Object struct {
				ID  string          `json:"id"`
				URL json.RawMessage `json:"url"`
			} `json:"object"`
		} `json:"orderedItems"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatalf("outbox: HTTP %d: %v", resp.StatusCode, err)
	}
	for _, it := range page.Items {
		if strings.Contains(string(it.Object.URL), article) {
			return it.Object.ID
		}
	}
	t.Fatalf("no post about %s in the outbox (%d items)", article, len(page.Items))
	return ""
}

// unsignedGet GETs an ActivityPub document without a signature and
// returns the status.
func unsignedGet(t *testing.T, u string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/activity+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
