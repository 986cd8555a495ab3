package delivery_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"herald/apptest"
)

// TestFailingHostIsHeldBack: a host that keeps failing is tried five times
// (at the test's short retry delay), then held back instead of hammered;
// its state, the queue and the activity's counts say so.
func TestFailingHostIsHeldBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, feed, alice, urls := apptest.Followed(ctx, t, nil)
	alice.SetInboxReply(func(int) int { return http.StatusServiceUnavailable })
	feed.Set(apptest.WithItem(apptest.Fixture(t, "1-published.feed.rss.xml"), "501", "Down", "Onbereikbaar."))
	objectID := urls.Object("news", "http://127.0.0.1:8081/?p=501")
	apptest.Eventually(t, 25*time.Second, "five tries", func() bool { return len(apptest.Creates(alice, objectID)) >= 5 })
	time.Sleep(time.Second) // ten more retry delays: none may come
	if n := len(apptest.Creates(alice, objectID)); n != 5 {
		t.Fatalf("%d tries, want 5 before the host is held back", n)
	}
	u, _ := url.Parse(alice.URL)
	hosts, err := h.Store().Hosts()
	if err != nil {
		t.Fatal(err)
	}
	if st := hosts[u.Host]; st.State != "held" || st.Failures != 5 || st.LastError != "HTTP 503 Service Unavailable" || !st.HeldUntil.After(time.Now()) {
		t.Errorf("host state = %+v, want held after 5 failures of HTTP 503", st)
	}
	q, err := h.Store().QueueStats(time.Now())
	if err != nil || q.Depth != 1 {
		t.Errorf("QueueStats = %+v, %v; want the one job queued", q, err)
	}
	st, found, err := h.Store().DeliveryStats(urls.Create(objectID))
	if err != nil || !found || st.Queued != 1 || st.Pending() != 1 {
		t.Errorf("DeliveryStats = %+v, %t, %v; want 1 queued, 1 pending", st, found, err)
	}
}
