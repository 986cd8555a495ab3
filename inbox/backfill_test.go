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
	"herald/store"
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

// TestBackfillSkipsAnswers: an answer written in an app, newer than the
// feed's posts, is not what a new follower is sent; the newest post that
// answers nothing is.
func TestBackfillSkipsAnswers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL, BackfillOnFollow: true})
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	r := actor.NewRenderer(cfg.BaseURL)
	now := time.Now().UTC().Truncate(time.Millisecond)
	id := uint64(now.UnixMilli()) << 16
	to, cc := r.Audience("news", actor.Public, nil)
	s := actor.Status{ID: r.StatusID("news", id), Text: r.Compose("Antwoord", nil), InReplyTo: "https://elsewhere.example/notes/1", To: to, CC: cc, Published: now}
	note, _ := r.StatusNote("news", s)
	createID, create, _ := r.StatusCreate("news", note, s)
	st := store.LocalStatus{ID: id, Handle: "news", ObjectID: s.ID, ActivityID: createID, Visibility: store.VisibilityPublic, InReplyTo: s.InReplyTo, Created: now}
	if _, _, err := h.Store().PublishStatus(st, store.Document{ID: s.ID, JSON: note}, store.Document{ID: createID, JSON: create}, now); err != nil {
		t.Fatal(err)
	}
	alice := apptest.NewPeer(t)
	urls := actor.URLs{Base: cfg.BaseURL}
	apptest.PostStatus(ctx, t, alice, urls.Inbox("news"), alice.Follow(urls.Actor("news"), "1"), http.StatusAccepted)
	d := apptest.WaitVerified(ctx, t, alice, "Create", func(d fedtest.Delivery) bool { return d.Path == "/users/alice/inbox" })
	if d.Object()["id"] == s.ID || d.Object()["inReplyTo"] != nil {
		t.Errorf("the new follower was sent the answer %v", d.Object()["id"])
	}
}
