package app_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
	"herald/pgtest"
)

// TestEndToEnd runs the whole story against an independent fake server:
// WebFinger lookup, Follow and a verified Accept, a WordPress edit delivered
// as Update, a new post as Create (one POST per unique inbox), a restart
// that keeps the follower, and Undo after which nothing more is delivered.
// Each step is a method of e2eStory, run in this order. The story runs on
// each store: the bbolt file, and PostgreSQL (database_url, on a
// throwaway server of package pgtest).
func TestEndToEnd(t *testing.T) {
	t.Run("bbolt", func(t *testing.T) { runEndToEnd(t, "") })
	t.Run("postgres", func(t *testing.T) { runEndToEnd(t, pgtest.Database(t)) })
}

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// runEndToEnd runs the story with the store at databaseURL ("" for bbolt).
func runEndToEnd(t *testing.T, databaseURL string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL + "/feed/"})
	cfg.DatabaseURL = databaseURL
	s := &e2eStory{ctx: ctx, feed: feed, cfg: cfg, h: apptest.Start(t, cfg, nil), urls: actor.URLs{Base: cfg.BaseURL}}

	alice, err := fedtest.New()
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	alice.RequireSignedFetch = true // as GoToSocial: Herald must sign its GETs
	s.alice = alice

	s.firstPoll(t)
	s.lookUp(t)
	s.follow(t)
	s.editBecomesUpdate(t)
	s.scheduledPostBecomesCreate(t)
	s.restart(t)
	s.undo(t)
	s.checkDeliveries(t)
}

// e2eStory is what the steps of TestEndToEnd share.
type e2eStory struct {
	ctx      context.Context
	feed     *apptest.FeedServer
	cfg      *config.Config
	h        *apptest.Herald
	urls     actor.URLs
	alice    *fedtest.Server
	actorID  string         // news, as WebFinger found it
	inbox    string         // news's inbox, from its actor document
	followed map[string]any // alice's Follow
	p102     string         // the post published after the Undo
}

// firstPoll: the first poll records the five existing posts and delivers
// nothing.
func (s *e2eStory) firstPoll(t *testing.T) {
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool {
		st, _ := s.h.Store().FeedState("news")
		return st.Initialised
	})
	if seen, _ := s.h.Store().SeenItems("news"); len(seen) != 5 {
		t.Fatalf("first poll recorded %d items, want 5", len(seen))
	}
}

// lookUp finds news by WebFinger, in capitals, and fetches its actor.
func (s *e2eStory) lookUp(t *testing.T) {
	actorID, err := s.alice.WebFinger(s.ctx, s.cfg.BaseURL, "NEWS@"+s.cfg.Host())
	if err != nil {
		t.Fatal(err)
	}
	if actorID != s.urls.Actor("news") {
		t.Fatalf("webfinger self = %s, want %s", actorID, s.urls.Actor("news"))
	}
	doc, err := s.alice.FetchActor(s.ctx, actorID)
	if err != nil {
		t.Fatal(err)
	}
	if doc["id"] != actorID || doc["type"] != "Service" || doc["name"] != "Ministerie van Voorbeeldzaken" {
		t.Fatalf("actor document: id=%v type=%v name=%v", doc["id"], doc["type"], doc["name"])
	}
	s.actorID = actorID
	s.inbox, _ = doc["inbox"].(string)
}

// follow: alice follows news and gets a verified Accept of her Follow.
func (s *e2eStory) follow(t *testing.T) {
	follow := s.alice.Follow(s.actorID, "1")
	s.followed = follow
	apptest.PostStatus(s.ctx, t, s.alice, s.inbox, follow, http.StatusAccepted)
	accept := apptest.WaitVerified(s.ctx, t, s.alice, "Accept", func(d fedtest.Delivery) bool {
		return d.Object()["id"] == follow["id"] && d.Path == "/users/alice/inbox"
	})
	if accept.Object()["type"] != "Follow" || accept.Object()["actor"] != s.alice.ActorID() || accept.Object()["object"] != s.actorID {
		t.Fatalf("Accept embeds %v", accept.Object())
	}
	// Herald tries unsigned first; alice refuses, and the signed retry
	// follows at once (remote/signed_fetch_test.go).
	if f := s.alice.Fetches(); len(f) != 2 || f[0].Verified || !f[1].Verified || f[1].KeyID != s.urls.InstanceKeyID() {
		t.Fatalf("Herald's fetch of the follower was not signed by the instance actor after the refusal: %+v", f)
	}
	apptest.WantFollowers(t, s.h, 1)
}

// editBecomesUpdate: an edit in WordPress becomes an Update of the same
// object.
func (s *e2eStory) editBecomesUpdate(t *testing.T) {
	s.feed.Set(apptest.Fixture(t, "2-edited.feed.rss.xml"))
	p4 := s.urls.Object("news", "http://127.0.0.1:8081/?p=4")
	update := apptest.WaitVerified(s.ctx, t, s.alice, "Update", func(d fedtest.Delivery) bool { return d.Object()["id"] == p4 })
	if c, _ := update.Object()["content"].(string); !strings.Contains(c, "(bijgewerkt)") {
		t.Fatalf("Update content %q lacks the edited title", c)
	}
	if update.Object()["updated"] == nil || update.Path != "/inbox" {
		t.Fatalf("Update: updated=%v path=%s (want the shared inbox)", update.Object()["updated"], update.Path)
	}
}

// scheduledPostBecomesCreate: a scheduled post going live becomes a
// Create; the old posts do not.
func (s *e2eStory) scheduledPostBecomesCreate(t *testing.T) {
	s.feed.Set(apptest.Fixture(t, "5-schedule-due.feed.rss.xml"))
	p15 := s.urls.Object("news", "http://127.0.0.1:8081/?p=15")
	apptest.WaitVerified(s.ctx, t, s.alice, "Create", func(d fedtest.Delivery) bool { return d.Object()["id"] == p15 })
}

// restart: restart on the same data. A post that appears while Herald is
// down is delivered after the restart (a restart is not a first poll), to
// the follower that survived it. The queue is drained first: a receiver
// checking a signature while Herald is down cannot fetch its key.
func (s *e2eStory) restart(t *testing.T) {
	apptest.QueueDrained(t, s.h)
	s.h.Stop()
	s.feed.Set(apptest.WithItem(apptest.Fixture(t, "5-schedule-due.feed.rss.xml"), "101", "Tijdens de herstart", "Nieuw bericht."))
	s.h = apptest.Start(t, s.cfg, nil)
	apptest.WantFollowers(t, s.h, 1)
	p101 := s.urls.Object("news", "http://127.0.0.1:8081/?p=101")
	apptest.WaitVerified(s.ctx, t, s.alice, "Create", func(d fedtest.Delivery) bool { return d.Object()["id"] == p101 })
}

// undo: after alice's Undo the follower is gone and the next post is
// published but not delivered.
func (s *e2eStory) undo(t *testing.T) {
	apptest.PostStatus(s.ctx, t, s.alice, s.inbox, s.alice.Undo(s.followed), http.StatusAccepted)
	apptest.WantFollowers(t, s.h, 0)
	s.feed.Set(apptest.WithItem(apptest.Fixture(t, "5-schedule-due.feed.rss.xml"), "102", "Na het ontvolgen", "Niet bezorgd."))
	s.p102 = s.urls.Object("news", "http://127.0.0.1:8081/?p=102")
	apptest.Eventually(t, 5*time.Second, "the post after Undo to be published", func() bool {
		_, err := s.h.Store().Document(s.p102)
		return err == nil
	})
	apptest.QueueDrained(t, s.h)
}

// checkDeliveries: every delivery alice got verified, none was the post
// after the Undo, and there were two Creates: one per new post, none for
// the first poll.
func (s *e2eStory) checkDeliveries(t *testing.T) {
	creates := 0
	for _, d := range s.alice.Deliveries() {
		if !d.Verified {
			t.Errorf("delivery to %s failed verification: %s", d.Path, d.Problem)
		}
		if d.Object()["id"] == s.p102 {
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
