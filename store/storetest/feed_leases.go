package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"herald/store"
)

var feedLeaseChecks = []check{
	{"ClaimFeed", checkClaimFeed},
	{"RenewFeeds and ReleaseFeeds", checkRenewReleaseFeeds},
	{"TakePingFetch", checkTakePingFetch},
	{"AnnounceFeed reaches ListenFeeds", checkAnnounceFeed},
}

// claimFeed claims handle's feed for owner at now for a minute.
func claimFeed(t *testing.T, b Backend, handle, owner string, now time.Time) (store.FeedLease, string) {
	t.Helper()
	lease, from, err := b.ClaimFeed(handle, owner, now, now.Add(time.Minute))
	if err != nil {
		t.Fatalf("ClaimFeed(%s, %s): %v", handle, owner, err)
	}
	return lease, from
}

// checkClaimFeed: the lease rules of checkLeaseClaims, for feeds.
func checkClaimFeed(t *testing.T, b Backend) { checkLeaseClaims(t, b.ClaimFeed, "blog", "news") }

// claimFunc is ClaimFeed or ClaimTask.
type claimFunc func(key, owner string, now, until time.Time) (store.Lease, string, error)

// checkLeaseClaims: one owner at a time; the holder renews by claiming
// again; another takes over once the lease ended. key and other name two
// leases of claim's kind (feeds or tasks).
func checkLeaseClaims(t *testing.T, claimOf claimFunc, key, other string) {
	claim := func(key, owner string, now time.Time) (store.Lease, string) {
		t.Helper()
		lease, from, err := claimOf(key, owner, now, now.Add(time.Minute))
		if err != nil {
			t.Fatalf("claim of %s for %s: %v", key, owner, err)
		}
		return lease, from
	}
	if lease, from := claim(key, "a", t0); lease.Owner != "a" || !lease.Until.Equal(t0.Add(time.Minute)) || from != "" {
		t.Fatalf("first claim = %+v, from %q", lease, from)
	}
	if lease, from := claim(key, "b", t0.Add(30*time.Second)); lease.Owner != "a" || !lease.Until.Equal(t0.Add(time.Minute)) || from != "" {
		t.Errorf("claim while a holds it = %+v, from %q; want a's lease", lease, from)
	}
	if lease, _ := claim(other, "b", t0); lease.Owner != "b" {
		t.Errorf("claim of another lease = %+v", lease)
	}
	renewed := t0.Add(50 * time.Second)
	if lease, from := claim(key, "a", renewed); lease.Owner != "a" || !lease.Until.Equal(renewed.Add(time.Minute)) || from != "" {
		t.Errorf("renewal = %+v, from %q", lease, from)
	}
	if lease, _ := claim(key, "b", t0.Add(time.Minute+time.Second)); lease.Owner != "a" {
		t.Errorf("claim before the renewed lease ended = %+v", lease)
	}
	late := renewed.Add(time.Minute + time.Second)
	if lease, from := claim(key, "b", late); lease.Owner != "b" || from != "a" {
		t.Errorf("claim after the lease ended = %+v, from %q; want b's, taken from a", lease, from)
	}
}

// checkRenewReleaseFeeds: RenewFeeds extends the owner's running leases;
// ReleaseFeeds frees them (naming them) for anyone at once.
func checkRenewReleaseFeeds(t *testing.T, b Backend) {
	claimFeed(t, b, "blog", "a", t0)
	claimFeed(t, b, "news", "a", t0)
	claimFeed(t, b, "other", "b", t0)
	if n, err := b.RenewFeeds("a", t0.Add(time.Second), t0.Add(time.Hour)); err != nil || n != 2 {
		t.Errorf("RenewFeeds = %d, %v; want 2", n, err)
	}
	if lease, _ := claimFeed(t, b, "blog", "b", t0.Add(10*time.Minute)); lease.Owner != "a" {
		t.Errorf("claim of a renewed lease = %+v", lease)
	}
	if n, err := b.RenewFeeds("b", t0.Add(2*time.Minute), t0.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("RenewFeeds of an ended lease = %d, %v; want 0", n, err)
	}
	handles, err := b.ReleaseFeeds("a")
	slices.Sort(handles)
	if err != nil || !slices.Equal(handles, []string{"blog", "news"}) {
		t.Errorf("ReleaseFeeds = %v, %v", handles, err)
	}
	if lease, from := claimFeed(t, b, "blog", "b", t0.Add(10*time.Minute)); lease.Owner != "b" || from != "" {
		t.Errorf("claim of a released lease = %+v, from %q; want b's, no takeover", lease, from)
	}
}

// checkTakePingFetch: one fetch per interval for a feed, whoever asks.
func checkTakePingFetch(t *testing.T, b Backend) {
	steps := []struct {
		handle   string
		at       time.Duration
		wantTook bool
		wantLast time.Duration
	}{
		{"blog", 0, true, 0},
		{"blog", 2 * time.Second, false, 0},
		{"news", 2 * time.Second, true, 2 * time.Second},
		{"blog", 5 * time.Second, true, 5 * time.Second},
		{"blog", 9 * time.Second, false, 5 * time.Second},
	}
	for _, s := range steps {
		last, took, err := b.TakePingFetch(s.handle, t0.Add(s.at), 5*time.Second)
		if err != nil || took != s.wantTook || !last.Equal(t0.Add(s.wantLast)) {
			t.Errorf("TakePingFetch(%s, +%s) = %s, %t, %v; want +%s, %t", s.handle, s.at, last.Sub(t0), took, err, s.wantLast, s.wantTook)
		}
	}
}

// checkAnnounceFeed: a listener hears that it listens, then the handles
// announced.
func checkAnnounceFeed(t *testing.T, b Backend) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	heard := make(chan string, 10)
	done := make(chan error, 1)
	go func() { done <- b.ListenFeeds(ctx, func(h string) { heard <- h }) }()
	wait := func(want string) {
		t.Helper()
		select {
		case h := <-heard:
			if h != want {
				t.Errorf("heard %q, want %q", h, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("heard nothing, want %q", want)
		}
	}
	wait("")
	if err := b.AnnounceFeed("blog"); err != nil {
		t.Fatal(err)
	}
	wait("blog")
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("ListenFeeds returned %v, want context.Canceled", err)
	}
}
