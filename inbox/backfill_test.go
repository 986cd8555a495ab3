package inbox_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// TestBackfillOnFollow: with backfill_on_follow a new follower gets the
// newest post after the Accept; a repeated Follow does not send it again.
func TestBackfillOnFollow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL, BackfillOnFollow: true})
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	alice := apptest.NewPeer(t)
	urls := actor.URLs{Base: cfg.BaseURL}
	apptest.PostStatus(ctx, t, alice, urls.Inbox("news"), alice.Follow(urls.Actor("news"), "1"), http.StatusAccepted)
	create := apptest.WaitVerified(ctx, t, alice, "Create", func(d fedtest.Delivery) bool { return d.Path == "/users/alice/inbox" })
	var acceptAt, createAt int
	for i, d := range alice.Deliveries() {
		switch d.Type() {
		case "Accept":
			acceptAt = i + 1
		case "Create":
			createAt = i + 1
		}
	}
	if acceptAt == 0 || createAt < acceptAt {
		t.Fatalf("the backfilled Create (%v) did not follow the Accept", create.Object()["id"])
	}
	apptest.QueueDrained(t, h)
	resp, err := alice.PostRaw(ctx, urls.Inbox("news"), apptest.MustJSON(t, alice.Follow(urls.Actor("news"), "1")), time.Now().Add(time.Second), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	apptest.QueueDrained(t, h)
	if n := len(apptest.Creates(alice, create.Object()["id"].(string))); n != 1 {
		t.Fatalf("the post was backfilled %d times", n)
	}
}
