package signature

import (
	"fmt"
	"testing"
	"time"
)

func TestReplayCache(t *testing.T) {
	t0 := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	window := time.Hour
	tests := []struct {
		name   string
		steps  []string // signatures recorded in order, at t0
		check  string
		at     time.Duration
		replay bool
	}{
		{name: "first time is not a replay", check: "a", replay: false},
		{name: "same signature within the window", steps: []string{"a"}, check: "a", at: 59 * time.Minute, replay: true},
		{name: "same signature after the window", steps: []string{"a"}, check: "a", at: 61 * time.Minute, replay: false},
		{name: "another signature", steps: []string{"a"}, check: "b", replay: false},
		{name: "evicted oldest when full", steps: []string{"a", "b", "c", "d"}, check: "a", replay: false},
		{name: "newest kept when full", steps: []string{"a", "b", "c", "d"}, check: "d", replay: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewReplayCache(3)
			for _, s := range tt.steps {
				c.Seen(s, t0, t0.Add(window))
			}
			if got := c.Seen(tt.check, t0.Add(tt.at), t0.Add(tt.at+window)); got != tt.replay {
				t.Fatalf("Seen(%q) = %v, want %v", tt.check, got, tt.replay)
			}
			if c.Len() > 3 {
				t.Fatalf("cache holds %d > 3 entries", c.Len())
			}
		})
	}
}

// TestReplayCacheBounded floods the cache and checks it never grows past its bound.
func TestReplayCacheBounded(t *testing.T) {
	c := NewReplayCache(100)
	now := time.Unix(0, 0)
	for i := range 10_000 {
		c.Seen(fmt.Sprint(i), now, now.Add(time.Hour))
	}
	if c.Len() != 100 || cap(c.order) > 400 {
		t.Fatalf("len %d cap %d after a flood", c.Len(), cap(c.order))
	}
}

// TestReplayCacheForget: a forgotten signature is new again, once; the
// others stay.
func TestReplayCacheForget(t *testing.T) {
	t0 := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	c := NewReplayCache(3)
	for _, s := range []string{"a", "b"} {
		c.Seen(s, t0, t0.Add(time.Hour))
	}
	c.Forget("a")
	c.Forget("never seen")
	if c.Seen("a", t0, t0.Add(time.Hour)) {
		t.Error("a forgotten signature is still a replay")
	}
	if !c.Seen("a", t0, t0.Add(time.Hour)) || !c.Seen("b", t0, t0.Add(time.Hour)) {
		t.Error("signatures recorded again or kept are not replays")
	}
	if c.Len() != 2 || len(c.order) != 2 {
		t.Errorf("cache holds %d entries in an order of %d, want 2 and 2", c.Len(), len(c.order))
	}
}
