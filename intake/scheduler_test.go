package intake

import (
	"context"
	"sync"
	"testing"
	"time"

	"herald/config"
	"herald/outbound"
)

// TestSchedulerPerHostLimit: never more than maxPerHost polls of one host
// at once, while another host is not held up; every feed is polled.
func TestSchedulerPerHostLimit(t *testing.T) {
	var mu sync.Mutex
	inFlight, peak, polls := map[string]int{}, map[string]int{}, map[string]int{}
	poll := func(ctx context.Context, f config.Feed) time.Duration {
		h := outbound.HostOf(f.URL)
		mu.Lock()
		inFlight[h]++
		peak[h] = max(peak[h], inFlight[h])
		polls[f.Handle]++
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		inFlight[h]--
		mu.Unlock()
		return -1 // once each
	}
	var feeds []config.Feed
	for i, host := range []string{"a", "a", "a", "a", "a", "a", "b", "b", "c"} {
		feeds = append(feeds, config.Feed{Handle: host + string(rune('0'+i)), URL: "http://" + host + ".example/feed"})
	}
	s := newScheduler(feeds, poll, time.Now)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(polls)
		mu.Unlock()
		if n == len(feeds) || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if len(polls) != len(feeds) {
		t.Fatalf("polled %d feeds, want %d", len(polls), len(feeds))
	}
	for h, n := range peak {
		if n > maxPerHost {
			t.Errorf("host %s: %d polls at once, limit %d", h, n, maxPerHost)
		}
	}
	if peak["a.example"] != maxPerHost {
		t.Errorf("host a peaked at %d, want the limit %d used", peak["a.example"], maxPerHost)
	}
}

// TestSchedulerTrigger: a trigger during a poll polls again right after it;
// a trigger of a waiting feed makes it due now; unknown handles are refused.
func TestSchedulerTrigger(t *testing.T) {
	started := make(chan string, 10)
	release := make(chan struct{})
	poll := func(ctx context.Context, f config.Feed) time.Duration {
		started <- f.Handle
		select {
		case <-release:
		case <-ctx.Done():
		}
		return time.Hour
	}
	s := newScheduler([]config.Feed{{Handle: "news", URL: "http://a.example/feed"}}, poll, time.Now)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	<-started
	if !s.trigger("news") || s.trigger("nobody") {
		t.Fatal("trigger results wrong")
	}
	release <- struct{}{}
	select {
	case <-started: // polled again at once, not after the hour
	case <-time.After(2 * time.Second):
		t.Fatal("a trigger during a poll was lost")
	}
	release <- struct{}{}
	time.Sleep(20 * time.Millisecond)
	if due := s.nextDue("news"); time.Until(due) < 50*time.Minute {
		t.Fatalf("next due in %s, want about an hour", time.Until(due))
	}
	s.trigger("news")
	select {
	case <-started:
	case <-time.After(2 * time.Second):
		t.Fatal("a trigger of a waiting feed did not poll it")
	}
	close(release)
}

func TestNextPollDelay(t *testing.T) {
	for _, c := range []struct {
		name     string
		interval time.Duration
		failures int
		lo, hi   time.Duration
	}{
		{"no failure", time.Minute, 0, 54 * time.Second, 66 * time.Second},
		{"doubles", time.Minute, 3, 432 * time.Second, 528 * time.Second},
		{"capped at an hour", time.Minute, 20, 54 * time.Minute, 66 * time.Minute},
		{"never below the interval", 2 * time.Hour, 5, 108 * time.Minute, 132 * time.Minute},
	} {
		t.Run(c.name, func(t *testing.T) {
			for range 50 {
				if d := nextPollDelay(c.interval, c.failures); d < c.lo || d > c.hi {
					t.Fatalf("nextPollDelay = %s, want within [%s, %s]", d, c.lo, c.hi)
				}
			}
		})
	}
}
