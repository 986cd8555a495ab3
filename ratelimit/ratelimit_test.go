package ratelimit

import (
	"net/http"
	"testing"
	"time"
)

func TestLimiterAllowsBurstThenRefills(t *testing.T) {
	l := New(5, time.Minute, 10)
	now := time.Unix(1000, 0)
	for i := range 5 {
		if ok, _ := l.Allow("a", now); !ok {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	ok, wait := l.Allow("a", now)
	if ok || wait != 12*time.Second {
		t.Fatalf("sixth attempt: ok %v, wait %s; want refused, 12s", ok, wait)
	}
	if ok, _ := l.Allow("b", now); !ok {
		t.Fatal("another key shares the first one's bucket")
	}
	if ok, _ := l.Allow("a", now.Add(12*time.Second)); !ok {
		t.Fatal("no token after a refill period")
	}
	if n, _ := l.Remaining("a", now.Add(12*time.Second)); n != 0 {
		t.Fatalf("remaining %d, want 0", n)
	}
}

func TestLimiterBoundsKeys(t *testing.T) {
	l := New(1, time.Hour, 3)
	now := time.Unix(1000, 0)
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		l.Allow(k, now)
	}
	if len(l.buckets) > 3 {
		t.Fatalf("%d buckets kept, want at most 3", len(l.buckets))
	}
}

func TestClientIP(t *testing.T) {
	for _, c := range []struct {
		name, remote, xff, want string
	}{
		{"direct", "203.0.113.5:4000", "", "203.0.113.5"},
		{"proxy on loopback", "127.0.0.1:4000", "198.51.100.1, 203.0.113.9", "203.0.113.9"},
		{"forged by a remote peer", "203.0.113.5:4000", "198.51.100.1", "203.0.113.5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: c.remote, Header: http.Header{}}
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			if got := ClientIP(r); got != c.want {
				t.Errorf("ClientIP = %q, want %q", got, c.want)
			}
		})
	}
}
