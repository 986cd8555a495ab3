package inbox_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"testing"
	"time"

	"herald/apptest"
	"herald/config"
	"herald/pgtest"
	"herald/store/postgres"
)

// sendTo sends a copy of the signed request req, with body, to the
// Herald listening on addr (the Host header stays the signed one, as a
// load balancer keeps it), and returns the status and the error message.
func sendTo(t *testing.T, req *http.Request, body []byte, addr string) (int, string) {
	t.Helper()
	r := req.Clone(req.Context())
	r.URL.Host = addr
	r.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(msg)
}

// seedSignatures records, before any replica starts, the digest of one
// signature whose window has ended and of one still valid, as replicas
// that ran before would have left them.
func seedSignatures(t *testing.T, url string, now time.Time) (expired, valid [32]byte) {
	t.Helper()
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	expired, valid = sha256.Sum256([]byte("old signature")), sha256.Sum256([]byte("recent signature"))
	for _, s := range []struct {
		digest     [32]byte
		at, expiry time.Time
	}{{expired, now.Add(-3 * time.Hour), now.Add(-2 * time.Hour)}, {valid, now, now.Add(time.Hour)}} {
		if _, err := st.SeeSignature(s.digest[:], s.at, s.expiry); err != nil {
			t.Fatal(err)
		}
	}
	return expired, valid
}

// storedSignatures tells which of digests the seen_signatures table holds.
func storedSignatures(t *testing.T, url string, digests ...[32]byte) []bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := pgtest.Connect(t, url)
	defer conn.Close(ctx)
	var held []bool
	for _, d := range digests {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM seen_signatures WHERE digest = $1", d[:]).Scan(&n); err != nil {
			t.Fatal(err)
		}
		held = append(held, n == 1)
	}
	return held
}

// TestReplayAcrossReplicas: two replicas on one PostgreSQL database. The
// very same signed request is accepted by the first and refused as a
// replay by the second (and by the first again); a request whose Date
// left the window is refused for its Date by either; the digest of a
// signature whose window ended before the replicas started is pruned,
// one still valid is kept.
func TestReplayAcrossReplicas(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	url := pgtest.Database(t)
	expired, valid := seedSignatures(t, url, time.Now())
	e := newForgeEnv(t, func(c *config.Config) { c.DatabaseURL = url })
	second := apptest.Start(t, apptest.ReplicaConfig(t, e.cfg), nil)
	first := e.h.Addr()

	body := e.like(t, e.alice, "replayed")
	req, err := e.alice.SignedPost(ctx, e.inbox, body, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		to, what string
		want     int
	}{{first, "first send", 202}, {second.Addr(), "replay to the second replica", 401}, {first, "replay to the first", 401}}
	for _, s := range steps {
		if status, msg := sendTo(t, req, body, s.to); status != s.want {
			t.Fatalf("%s: HTTP %d %s, want %d", s.what, status, msg, s.want)
		} else if status == 401 && !bytes.Contains([]byte(msg), []byte("replayed signature")) {
			t.Errorf("%s: %q, want a replayed signature", s.what, msg)
		}
	}
	if n := e.likes(t); n != 1 {
		t.Errorf("%d likes, want 1", n)
	}

	stale := e.like(t, e.alice, "stale")
	old, err := e.alice.SignedPost(ctx, e.inbox, stale, time.Now().Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{first, second.Addr()} {
		if status, msg := sendTo(t, old, stale, to); status != 401 || !bytes.Contains([]byte(msg), []byte("date outside")) {
			t.Errorf("stale Date to %s: HTTP %d %s, want 401 for its date", to, status, msg)
		}
	}

	apptest.Eventually(t, 30*time.Second, "expired signature pruned", func() bool {
		held := storedSignatures(t, url, expired)
		return !held[0]
	})
	if held := storedSignatures(t, url, valid); !held[0] {
		t.Error("a signature still in its window was pruned")
	}
}

// execSQL runs statement on the database at url.
func execSQL(t *testing.T, url, statement string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn := pgtest.Connect(t, url)
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, statement); err != nil {
		t.Fatal(err)
	}
}

// TestReplayCheckUnavailable: when the database cannot record a verified
// signature, the request is refused with 503 and Retry-After (neither
// taken unchecked nor called a replay), and nothing is done; once the
// database answers again, the very same request is taken, then refused as
// a replay.
func TestReplayCheckUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	url := pgtest.Database(t)
	e := newForgeEnv(t, func(c *config.Config) { c.DatabaseURL = url })
	body := e.like(t, e.alice, "unchecked")
	req, err := e.alice.SignedPost(ctx, e.inbox, body, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	execSQL(t, url, "ALTER TABLE seen_signatures RENAME TO seen_signatures_away")
	r := req.Clone(ctx)
	r.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("with the table gone: HTTP %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if n := e.likes(t); n != 0 {
		t.Fatalf("%d likes taken unchecked", n)
	}
	execSQL(t, url, "ALTER TABLE seen_signatures_away RENAME TO seen_signatures")
	for _, want := range []int{202, 401} {
		if status, msg := sendTo(t, req, body, e.h.Addr()); status != want {
			t.Fatalf("with the table back: HTTP %d %s, want %d", status, msg, want)
		}
	}
	if n := e.likes(t); n != 1 {
		t.Errorf("%d likes, want 1", n)
	}
}
