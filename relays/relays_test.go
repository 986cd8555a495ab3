package relays_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
	"herald/relays"
	"herald/store"
)

// relayed is one relay and a subscriber of it, with Herald configured to
// publish there.
type relayed struct {
	h          *apptest.Herald
	feed       *apptest.FeedServer
	relay      *fedtest.Relay
	subscriber *fedtest.Peer
	urls       actor.URLs
}

// startRelayed starts the relay (opts), a subscriber peer of style, and
// Herald with the relay configured server-wide; it returns once Herald's
// first poll is done.
func startRelayed(t *testing.T, opts fedtest.RelayOptions, style fedtest.Style) *relayed {
	t.Helper()
	r, err := fedtest.NewRelay(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	sub, err := fedtest.NewPeer(style)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sub.Close)
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	cfg.Relays = []string{r.SubscribeURL()}
	cfg.AdminTokens = []config.AdminToken{{Token: apptest.OperatorToken, Role: config.RoleOperator}}
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool {
		st, _ := h.Store().FeedState("news")
		return st.Initialised
	})
	return &relayed{h: h, feed: feed, relay: r, subscriber: sub, urls: actor.URLs{Base: cfg.BaseURL}}
}

// statuses reads the relays from the admin API, as the CLI does.
func (x *relayed) statuses(t *testing.T) []relays.Status {
	t.Helper()
	resp, body := apptest.AdminGet(t, x.urls.Base+"/admin/api/relays", apptest.OperatorToken)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /admin/api/relays: HTTP %d %s", resp.StatusCode, body)
	}
	var out struct{ Relays []relays.Status }
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Relays
}

// waitState waits until the only relay is in state.
func (x *relayed) waitState(t *testing.T, state string) relays.Status {
	t.Helper()
	var got []relays.Status
	apptest.Eventually(t, 10*time.Second, "relay "+state, func() bool {
		got = x.statuses(t)
		return len(got) == 1 && got[0].State == state
	})
	return got[0]
}

// publish sets the feed to the fixture plus one item, body its text, and
// returns its post's id.
func (x *relayed) publish(t *testing.T, guid, body string) string {
	x.feed.Set(apptest.WithItem(apptest.Fixture(t, "1-published.feed.rss.xml"), guid, "Relayed "+guid, body))
	return x.urls.Object("news", "http://127.0.0.1:8081/?p="+guid)
}

// relayedTo waits until the subscriber got an activity of typ about
// objectID through the relay, and returns it.
func (x *relayed) relayedTo(ctx context.Context, t *testing.T, typ, objectID string) fedtest.Delivery {
	t.Helper()
	d, err := x.subscriber.WaitFor(ctx, func(d fedtest.Delivery) bool {
		if d.RelayedBy == "" || d.Type() != typ {
			return false
		}
		obj := d.Object()
		id, _ := obj["id"].(string)
		if obj == nil {
			id, _ = d.Activity["object"].(string)
		}
		return id == objectID
	})
	if err != nil {
		t.Fatalf("the subscriber got no relayed %s of %s: %v", typ, objectID, err)
	}
	return d
}

// TestMastodonStyleRelay: Herald follows as:Public at an Activity-Relay
// inbox; the relay's operator approves; a Mastodon server subscribed to the
// same relay then gets Herald's new post, its edit and its removal,
// forwarded unchanged by the relay, and shows them: each carries the
// account's LD signature, without which Mastodon drops what a relay
// forwards. Removing the relay from the config sends the Undo.
func TestMastodonStyleRelay(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	x := startRelayed(t, fedtest.RelayOptions{Software: fedtest.ActivityRelay, ManuallyAccept: true}, fedtest.StyleMastodon)
	follow, err := x.relay.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Follow" })
	if err != nil || !follow.Verified || follow.Activity["object"] != "https://www.w3.org/ns/activitystreams#Public" ||
		follow.Activity["actor"] != x.urls.RelayActor() {
		t.Fatalf("Follow at the relay: %+v (%v)", follow.Activity, err)
	}
	if st := x.waitState(t, store.RelayPending); st.Flavour != config.RelayMastodon || st.Inbox != x.relay.Inbox() {
		t.Errorf("pending relay = %+v", st)
	}
	if err := x.relay.Approve(ctx, x.h.Addr()); err != nil {
		t.Fatal(err)
	}
	if st := x.waitState(t, store.RelayAccepted); st.Actor != x.relay.ActorID() || len(st.Feeds) != 1 {
		t.Errorf("accepted relay = %+v", st)
	}
	if err := x.relay.AddSubscriber(ctx, x.subscriber); err != nil {
		t.Fatal(err)
	}
	if err := x.relay.Approve(ctx, x.subscriber.Host()); err != nil {
		t.Fatal(err)
	}
	id := x.publish(t, "501", "Eerste versie.")
	for _, d := range []fedtest.Delivery{x.relayedTo(ctx, t, "Create", id)} {
		if d.Hidden != "" {
			t.Fatalf("Mastodon would not show the relayed Create: %s", d.Hidden)
		}
	}
	x.publish(t, "501", "Tweede versie.")
	if d := x.relayedTo(ctx, t, "Update", id); d.Hidden != "" {
		t.Errorf("Mastodon would not take the relayed Update: %s", d.Hidden)
	}
	unsubscribe(ctx, t, x)
}

// unsubscribe restarts Herald without the relay and checks the Undo of
// its Follow reaches the relay.
func unsubscribe(ctx context.Context, t *testing.T, x *relayed) {
	t.Helper()
	x.h.Stop()
	cfg := *x.h.Config()
	cfg.Relays = nil
	h := apptest.Start(t, &cfg, nil)
	undo, err := x.relay.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Undo" })
	if err != nil || !undo.Verified {
		t.Fatalf("Undo at the relay: %+v (%v)", undo, err)
	}
	if inner, _ := undo.Activity["object"].(map[string]any); inner["type"] != "Follow" {
		t.Errorf("the Undo does not embed the Follow: %v", undo.Activity["object"])
	}
	apptest.Eventually(t, 5*time.Second, "relay forgotten", func() bool {
		rs, err := h.Store().Relays()
		return err == nil && len(rs) == 0
	})
}

// TestLitePubRelay: Herald follows a LitePub relay's actor; the relay
// accepts and follows Herald's relay actor back, which Herald accepts; a
// new post goes to the relay as the relay actor's Announce, which the relay
// re-announces to its subscribers, who fetch the post from Herald and show
// it; an edit goes as the account's Update, forwarded with its LD
// signature. Removing the relay sends the Undo.
func TestLitePubRelay(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	x := startRelayed(t, fedtest.RelayOptions{Software: fedtest.LitePubRelay}, fedtest.StyleMastodon)
	st := x.waitState(t, store.RelayAccepted)
	if st.Flavour != config.RelayLitePub || st.Actor != x.relay.ActorID() {
		t.Errorf("accepted relay = %+v", st)
	}
	apptest.Eventually(t, 10*time.Second, "the relay follows back", func() bool {
		subs := x.relay.Subscriptions()
		return len(subs) == 1 && subs[0].FollowedBack && x.statuses(t)[0].FollowsBack
	})
	if err := x.relay.AddSubscriber(ctx, x.subscriber); err != nil {
		t.Fatal(err)
	}
	id := x.publish(t, "601", "Eerste versie.")
	at, err := x.relay.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Announce" })
	if err != nil || !at.Verified || at.Activity["actor"] != x.urls.RelayActor() || at.Activity["object"] != id {
		t.Fatalf("Announce at the relay: %+v (%v)", at.Activity, err)
	}
	if d := x.relayedTo(ctx, t, "Announce", id); d.Hidden != "" || d.Announced["id"] != id {
		t.Fatalf("the subscriber would not show the relayed post: %q (fetched %v)", d.Hidden, d.Announced["id"])
	}
	x.publish(t, "601", "Tweede versie.")
	if d := x.relayedTo(ctx, t, "Update", id); d.Hidden != "" {
		t.Errorf("the subscriber would not take the relayed Update: %s", d.Hidden)
	}
	unsubscribe(ctx, t, x)
}

// TestRelayRefusedAndFailing: a relay that rejects the subscription is
// refused (and gets nothing), a LitePub relay whose actor cannot be fetched
// is failing, with the reason, in the admin API and the metrics.
func TestRelayRefusedAndFailing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	x := startRelayed(t, fedtest.RelayOptions{Software: fedtest.ActivityRelay, ManuallyAccept: true}, fedtest.StyleMastodon)
	if _, err := x.relay.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Follow" }); err != nil {
		t.Fatal(err)
	}
	if err := x.relay.Reject(ctx, x.h.Addr()); err != nil {
		t.Fatal(err)
	}
	x.waitState(t, store.RelayRefused)
	id := x.publish(t, "701", "Niet voor de relay.")
	apptest.Eventually(t, 10*time.Second, "the post", func() bool { _, err := x.h.Store().Document(id); return err == nil })
	apptest.QueueDrained(t, x.h)
	for _, d := range x.relay.Received() {
		if d.Type() == "Create" {
			t.Fatalf("a refused relay got %s", d.Activity["id"])
		}
	}

	x.h.Stop()
	cfg := *x.h.Config()
	cfg.Relays = []string{x.relay.URL + "/no-such-actor"}
	x.h = apptest.Start(t, &cfg, nil)
	var got []relays.Status
	apptest.Eventually(t, 10*time.Second, "a failing relay", func() bool {
		got = x.statuses(t)
		return len(got) == 1 && got[0].State == store.RelayFailing
	})
	if got[0].URL != cfg.Relays[0] || got[0].LastError == "" {
		t.Errorf("failing relay = %+v", got[0])
	}
	_, metrics := apptest.AdminGet(t, x.urls.Base+"/metrics", apptest.OperatorToken)
	for _, want := range []string{`herald_relays{state="failing"} 1`, `herald_relays{state="accepted"} 0`,
		`herald_relay_info{flavour="litepub",relay="` + cfg.Relays[0] + `",state="failing"} 1`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestRelayedContentDropped: two Heralds subscribe to one Activity-Relay;
// the first's post reaches the second through the relay, signed by the
// relay for another server's actor, and the second takes it with 202 and
// keeps nothing of it. An Accept of the first's Follow sent by anyone but
// the relay's host changes nothing (403).
func TestRelayedContentDropped(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	first := startRelayed(t, fedtest.RelayOptions{Software: fedtest.ActivityRelay}, fedtest.StyleMastodon)
	first.waitState(t, store.RelayAccepted)
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "weather", URL: feed.URL})
	cfg.Relays = []string{first.relay.SubscribeURL()}
	second := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 10*time.Second, "the second Herald subscribed", func() bool {
		rs, err := second.Store().Relays()
		return err == nil && len(rs) == 1 && rs[0].State == store.RelayAccepted
	})
	id := first.publish(t, "801", "Naar iedereen.")
	inbox := cfg.BaseURL + "/inbox"
	apptest.Eventually(t, 10*time.Second, "the relay forwards the Create to the second Herald", func() bool {
		for _, s := range first.relay.Sent() {
			if s.Inbox == inbox && s.Activity["type"] == "Create" {
				if s.Status != 202 {
					t.Fatalf("the second Herald answered the relayed Create %d", s.Status)
				}
				return true
			}
		}
		return false
	})
	if _, err := second.Store().Document(id); err == nil {
		t.Error("the second Herald stored the relayed post")
	}
	forgedAccept(ctx, t, first)
}

// forgedAccept has an account on another host send an Accept of x's relay
// Follow, and checks it is refused and changes nothing.
func forgedAccept(ctx context.Context, t *testing.T, x *relayed) {
	t.Helper()
	dir := fedtest.NewDirectory()
	t.Cleanup(dir.Close)
	mallory, err := dir.Add("/users/mallory", fedtest.StyleMastodon)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := x.h.Store().Relays()
	if err != nil || len(rs) != 1 {
		t.Fatalf("relays = %+v, %v", rs, err)
	}
	body := apptest.MustJSON(t, map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": mallory.ID() + "#accept",
		"type": "Reject", "actor": mallory.ID(), "object": rs[0].FollowID})
	resp, err := mallory.Post(ctx, x.urls.Base+"/inbox", body, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("a Reject from another host: HTTP %d, want 403", resp.StatusCode)
	}
	if st := x.statuses(t); st[0].State != store.RelayAccepted {
		t.Errorf("after the forged Reject the relay is %s", st[0].State)
	}
}
