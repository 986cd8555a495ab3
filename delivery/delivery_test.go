package delivery_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"herald/app"
	"herald/apptest"
	"herald/fedtest"
)

// TestDeliveryRetriesWithFreshSignature: a 500 is retried, and the retry is
// signed again with its own Date.
func TestDeliveryRetriesWithFreshSignature(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var offset atomic.Int64
	h, feed, alice, urls := apptest.Followed(ctx, t, func(o *app.Options) {
		o.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	alice.SetInboxReply(func(n int) int {
		if n == 2 { // the first try of the Create (n == 1 was the Accept)
			offset.Store(int64(30 * time.Second))
			return http.StatusInternalServerError
		}
		return http.StatusAccepted
	})
	feed.Set(apptest.WithItem(apptest.Fixture(t, "1-published.feed.rss.xml"), "201", "Retry", "Tweede poging."))
	id := urls.Object("news", "http://127.0.0.1:8081/?p=201")
	queueDrainedAfter(t, h, func() bool { return len(apptest.Creates(alice, id)) == 2 })
	tries := apptest.Creates(alice, id)
	if len(tries) != 2 {
		t.Fatalf("got %d tries of the Create, want 2", len(tries))
	}
	for _, d := range tries {
		if !d.Verified {
			t.Fatalf("try not verified: %s", d.Problem)
		}
	}
	if tries[0].Header.Get("Date") == tries[1].Header.Get("Date") || tries[0].Header.Get("Signature") == tries[1].Header.Get("Signature") {
		t.Fatalf("retry reused the first signature (Date %s)", tries[0].Header.Get("Date"))
	}
}

// TestDeliveryFailures: a 4xx other than 401/408/429 is not retried, and 410
// removes the follower.
func TestDeliveryFailures(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		wantTries     int
		wantFollowers int
	}{
		{name: "400 is final", status: http.StatusBadRequest, wantTries: 1, wantFollowers: 1},
		{name: "410 removes the follower", status: http.StatusGone, wantTries: 1, wantFollowers: 0},
		{name: "429 is retried", status: http.StatusTooManyRequests, wantTries: 2, wantFollowers: 1},
		{name: "401 is retried", status: http.StatusUnauthorized, wantTries: 2, wantFollowers: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			h, feed, alice, urls := apptest.Followed(ctx, t, nil)
			alice.SetInboxReply(func(n int) int {
				if n == 2 {
					return tc.status
				}
				return http.StatusAccepted
			})
			feed.Set(apptest.WithItem(apptest.Fixture(t, "1-published.feed.rss.xml"), "301", "Fail", "Mislukt."))
			id := urls.Object("news", "http://127.0.0.1:8081/?p=301")
			queueDrainedAfter(t, h, func() bool { return len(apptest.Creates(alice, id)) >= 1 })
			if got := len(apptest.Creates(alice, id)); got != tc.wantTries {
				t.Errorf("tries = %d, want %d", got, tc.wantTries)
			}
			apptest.WantFollowers(t, h, tc.wantFollowers)
		})
	}
}

// TestShutdownLeavesHangingDeliveryQueued: a receiver that never answers
// does not hold up shutdown beyond the deadline, and the job stays queued
// for the next start.
func TestShutdownLeavesHangingDeliveryQueued(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, feed, alice, _ := apptest.Followed(ctx, t, nil)
	release := make(chan struct{})
	defer close(release)
	alice.SetInboxReply(func(n int) int {
		if n > 1 { // not the Accept (n == 1), whose answer may still be on its way
			<-release
		}
		return http.StatusAccepted
	})
	feed.Set(apptest.WithItem(apptest.Fixture(t, "1-published.feed.rss.xml"), "401", "Hang", "Blijft hangen."))
	_, _ = alice.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Create" })
	start := time.Now()
	h.Stop()
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("shutdown took %s", took)
	}
	st := apptest.Reopen(t, h)
	if n, _ := st.PendingJobs(); n != 1 {
		jobs, _ := st.DueJobs(time.Now().Add(time.Hour), 10, nil)
		t.Fatalf("after shutdown %d jobs queued, want the interrupted one: %+v", n, jobs)
	}
}

// queueDrainedAfter waits for cond, then for the delivery queue to empty.
func queueDrainedAfter(t *testing.T, h *apptest.Herald, cond func() bool) {
	t.Helper()
	apptest.Eventually(t, 10*time.Second, "deliveries", cond)
	apptest.QueueDrained(t, h)
}
