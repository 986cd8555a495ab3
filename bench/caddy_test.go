package bench

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestReplicasBehindCaddy runs the replicas behind a real Caddy with the
// Caddyfile of deploy/compose, as the compose file does (there with TLS):
// requests reach both replicas, and when one is killed every request
// still succeeds on the other.
func TestReplicasBehindCaddy(t *testing.T) {
	if _, err := exec.LookPath("caddy"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("caddy is not installed (apt-get install caddy); .ci/run installs it")
		}
		t.Skip("caddy is not installed")
	}
	fleet := newFleet(t, 1, nil)
	defer fleet.Close()
	rs := newReplicaSet(t, fleet, replicaOptions{n: 2, lease: 10 * time.Second, pollInterval: time.Second})
	front := "http://" + freeAddr(t)
	var upstreams []string
	for _, in := range rs.nodes {
		rebase(t, in, rs.lb.URL, front)
		upstreams = append(upstreams, strings.TrimPrefix(in.base, "http://"))
	}
	startCaddy(t, front, upstreams)
	rs.start()
	host := strings.TrimPrefix(front, "http://")

	if served := answeringReplicas(t, front, 10); len(served) != 2 {
		t.Fatalf("requests through Caddy reached replicas %v, want both", served)
	}
	rs.nodes[0].kill()
	for i := range 20 {
		resp, err := http.Get(front + "/.well-known/webfinger?resource=" + url.QueryEscape("acct:news@"+host))
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d after the kill: %v %v", i, resp, err)
		}
		resp.Body.Close()
	}
	if served := answeringReplicas(t, front, 6); len(served) != 1 {
		t.Errorf("after the kill, requests reached %v, want only the live replica", served)
	}
	rs.nodes[1].stop()
}

// rebase points in's config at the public address front instead of old.
func rebase(t *testing.T, in *instance, old, front string) {
	raw, err := os.ReadFile(in.config)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in.config, []byte(strings.ReplaceAll(string(raw), old, front)), 0o600); err != nil {
		t.Fatal(err)
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startCaddy runs caddy with deploy/compose/Caddyfile serving front over
// plain HTTP in front of upstreams, until the test ends.
func startCaddy(t *testing.T, front string, upstreams []string) {
	home := t.TempDir()
	cmd := exec.Command("caddy", "run", "--config", "../deploy/compose/Caddyfile", "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HERALD_DOMAIN="+front, "HERALD_REPLICAS="+strings.Join(upstreams, " "), "CADDY_ADMIN=off",
		"HOME="+home, "XDG_DATA_HOME="+home, "XDG_CONFIG_HOME="+home)
	var logs lockedWriter
	logs.w = &bytes.Buffer{}
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if conn, err := net.Dial("tcp", strings.TrimPrefix(front, "http://")); err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("caddy did not start:\n%s", logs.w)
		}
	}
}

// answeringReplicas asks the admin API n times through front which
// replica answers, and returns the replicas that did.
func answeringReplicas(t *testing.T, front string, n int) map[string]bool {
	t.Helper()
	served := map[string]bool{}
	for range n {
		req, _ := http.NewRequest("GET", front+"/admin/api/deliveries", nil)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Replica string `json:"replica"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || body.Replica == "" {
			t.Fatalf("GET /admin/api/deliveries through Caddy: %d %v %q", resp.StatusCode, err, body.Replica)
		}
		served[body.Replica] = true
	}
	return served
}
