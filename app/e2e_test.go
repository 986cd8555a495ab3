package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// TestEndToEnd runs the whole story against an independent fake server:
// WebFinger lookup, Follow and a verified Accept, a WordPress edit delivered
// as Update, a new post as Create (one POST per unique inbox), a restart
// that keeps the follower, and Undo after which nothing more is delivered.
func TestEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL + "/feed/"})
	h := apptest.Start(t, cfg, nil)
	urls := actor.URLs{Base: cfg.BaseURL}

	alice, err := fedtest.New()
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	alice.RequireSignedFetch = true // as GoToSocial: Herald must sign its GETs

	// The first poll records the five existing posts and delivers nothing.
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool {
		st, _ := h.Store().FeedState("news")
		return st.Initialised
	})
	if seen, _ := h.Store().SeenItems("news"); len(seen) != 5 {
		t.Fatalf("first poll recorded %d items, want 5", len(seen))
	}

	actorID, err := alice.WebFinger(ctx, cfg.BaseURL, "NEWS@"+cfg.Host())
	if err != nil {
		t.Fatal(err)
	}
	if actorID != urls.Actor("news") {
		t.Fatalf("webfinger self = %s, want %s", actorID, urls.Actor("news"))
	}
	doc, err := alice.FetchActor(ctx, actorID)
	if err != nil {
		t.Fatal(err)
	}
	if doc["id"] != actorID || doc["type"] != "Service" || doc["name"] != "Ministerie van Voorbeeldzaken" {
		t.Fatalf("actor document: id=%v type=%v name=%v", doc["id"], doc["type"], doc["name"])
	}
	inbox, _ := doc["inbox"].(string)

	follow := alice.Follow(actorID, "1")
	apptest.PostStatus(ctx, t, alice, inbox, follow, http.StatusAccepted)
	accept := apptest.WaitVerified(ctx, t, alice, "Accept", func(d fedtest.Delivery) bool {
		return d.Object()["id"] == follow["id"] && d.Path == "/users/alice/inbox"
	})
	if accept.Object()["type"] != "Follow" || accept.Object()["actor"] != alice.ActorID() || accept.Object()["object"] != actorID {
		t.Fatalf("Accept embeds %v", accept.Object())
	}
	// Herald tries unsigned first; alice refuses, and the signed retry
	// follows at once (remote/signed_fetch_test.go).
	if f := alice.Fetches(); len(f) != 2 || f[0].Verified || !f[1].Verified || f[1].KeyID != urls.InstanceKeyID() {
		t.Fatalf("Herald's fetch of the follower was not signed by the instance actor after the refusal: %+v", f)
	}
	apptest.WantFollowers(t, h, 1)

	// An edit in WordPress becomes an Update of the same object.
	feed.Set(apptest.Fixture(t, "2-edited.feed.rss.xml"))
	p4 := urls.Object("news", "http://127.0.0.1:8081/?p=4")
	update := apptest.WaitVerified(ctx, t, alice, "Update", func(d fedtest.Delivery) bool { return d.Object()["id"] == p4 })
	if c, _ := update.Object()["content"].(string); !strings.Contains(c, "(bijgewerkt)") {
		t.Fatalf("Update content %q lacks the edited title", c)
	}
	if update.Object()["updated"] == nil || update.Path != "/inbox" {
		t.Fatalf("Update: updated=%v path=%s (want the shared inbox)", update.Object()["updated"], update.Path)
	}

	// A scheduled post going live becomes a Create; the old posts do not.
	feed.Set(apptest.Fixture(t, "5-schedule-due.feed.rss.xml"))
	p15 := urls.Object("news", "http://127.0.0.1:8081/?p=15")
	apptest.WaitVerified(ctx, t, alice, "Create", func(d fedtest.Delivery) bool { return d.Object()["id"] == p15 })

	// Restart on the same data. A post that appears while Herald is down is
	// delivered after the restart (a restart is not a first poll), to the
	// follower that survived it. The queue is drained first: a receiver
	// checking a signature while Herald is down cannot fetch its key.
	apptest.QueueDrained(t, h)
	h.Stop()
	feed.Set(apptest.WithItem(apptest.Fixture(t, "5-schedule-due.feed.rss.xml"), "101", "Tijdens de herstart", "Nieuw bericht."))
	h = apptest.Start(t, cfg, nil)
	apptest.WantFollowers(t, h, 1)
	p101 := urls.Object("news", "http://127.0.0.1:8081/?p=101")
	apptest.WaitVerified(ctx, t, alice, "Create", func(d fedtest.Delivery) bool { return d.Object()["id"] == p101 })

	// Undo: the follower is gone and the next post is not delivered.
	apptest.PostStatus(ctx, t, alice, inbox, alice.Undo(follow), http.StatusAccepted)
	apptest.WantFollowers(t, h, 0)
	feed.Set(apptest.WithItem(apptest.Fixture(t, "5-schedule-due.feed.rss.xml"), "102", "Na het ontvolgen", "Niet bezorgd."))
	p102 := urls.Object("news", "http://127.0.0.1:8081/?p=102")
	apptest.Eventually(t, 5*time.Second, "the post after Undo to be published", func() bool {
		_, err := h.Store().Document(p102)
		return err == nil
	})
	apptest.QueueDrained(t, h)

	creates := 0
	for _, d := range alice.Deliveries() {
		if !d.Verified {
			t.Errorf("delivery to %s failed verification: %s", d.Path, d.Problem)
		}
		if d.Object()["id"] == p102 {
			t.Errorf("post published after Undo was delivered")
		}
		if d.Type() == "Create" {
			creates++
		}
	}
	if creates != 2 {
		t.Errorf("got %d Creates, want 2 (one per new post, none for the first poll)", creates)
	}
}
