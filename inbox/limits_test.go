package inbox

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"herald/config"
)

func TestRateLimiter(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	tests := []struct {
		name      string
		requests  int           // sent at t0
		then      time.Duration // one more request this long after t0
		wantOK    bool
		wantAfter time.Duration
	}{
		{name: "within the burst", requests: 2, wantOK: true},
		{name: "burst used up", requests: 3, wantOK: false, wantAfter: 500 * time.Millisecond},
		{name: "refilled after the wait", requests: 3, then: 500 * time.Millisecond, wantOK: true},
		{name: "not yet refilled", requests: 3, then: 250 * time.Millisecond, wantOK: false, wantAfter: 250 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newRateLimiter(2, 3, 10) // 2/s, burst 3
			for range tt.requests {
				l.allow("k", t0)
			}
			ok, after := l.allow("k", t0.Add(tt.then))
			if ok != tt.wantOK || (!ok && after != tt.wantAfter) {
				t.Fatalf("allow = %v, %v; want %v, %v", ok, after, tt.wantOK, tt.wantAfter)
			}
			if ok, _ := l.allow("other", t0); !ok {
				t.Fatal("another key was limited")
			}
		})
	}
}

// TestRateLimiterBounded floods the limiter with distinct keys.
func TestRateLimiterBounded(t *testing.T) {
	l := newRateLimiter(1, 1, 100)
	now := time.Unix(0, 0)
	for i := range 10_000 {
		l.allow(fmt.Sprint(i), now)
	}
	if len(l.buckets) > 100 {
		t.Fatalf("%d buckets, bound is 100", len(l.buckets))
	}
}

func TestVerifyQueue(t *testing.T) {
	q := newVerifyQueue(1, 2, 2) // 1 slot, 3 admitted at most, 2 per client
	leaveA1, err := q.admit("a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.admit("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := q.admit("a"); !errors.Is(err, errQueueFull) {
		t.Fatalf("third from one client: %v, want errQueueFull", err)
	}
	if _, err := q.admit("b"); err != nil {
		t.Fatalf("another client: %v", err)
	}
	if _, err := q.admit("c"); !errors.Is(err, errQueueFull) {
		t.Fatalf("fourth in all: %v, want errQueueFull", err)
	}
	leaveA1()
	leaveC, err := q.admit("c")
	if err != nil {
		t.Fatalf("after one left: %v", err)
	}
	leaveC()
	if n := len(q.clients); n != 2 {
		t.Fatalf("%d clients tracked, want 2 (a and b)", n)
	}

	// One verifies at a time; a second waits until its context ends.
	release, err := q.slot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := q.slot(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second slot: %v, want DeadlineExceeded", err)
	}
	release()
	release2, err := q.slot(context.Background())
	if err != nil {
		t.Fatalf("slot after release: %v", err)
	}
	release2()
}

func TestGuardBlocked(t *testing.T) {
	g := newGuard(config.Inbox{BlockedDomains: []string{"bad.example"}, BlockedActors: []string{"https://ok.example/users/troll"}})
	for id, want := range map[string]bool{
		"https://bad.example/users/a#main-key":    true,
		"https://sub.bad.example/users/a":         true,
		"https://notbad.example/users/a":          false,
		"https://ok.example/users/troll#main-key": true,
		"https://ok.example/users/troll":          true,
		"https://ok.example/users/friend":         false,
		"not a url":                               false,
	} {
		if got := g.blocked(id); got != want {
			t.Errorf("blocked(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestClientIP(t *testing.T) {
	tests := []struct{ name, remote, xff, want string }{
		{"direct", "203.0.113.7:4000", "", "203.0.113.7"},
		{"direct peer's X-Forwarded-For ignored", "203.0.113.7:4000", "198.51.100.1", "203.0.113.7"},
		{"loopback proxy", "127.0.0.1:4000", "10.0.0.1, 198.51.100.1", "198.51.100.1"},
		{"loopback without header", "127.0.0.1:4000", "", "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/inbox", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := clientIP(r); got != tt.want {
				t.Fatalf("clientIP = %q, want %q", got, tt.want)
			}
		})
	}
}
