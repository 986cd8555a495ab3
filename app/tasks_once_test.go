package app_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"herald/actor"
	"herald/app"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
	"herald/pgtest"
	"herald/store"
)

// gatedRelays is the store with a gate on reading the relays: every
// read after the first (which app.New makes) waits until the gate opens,
// so that the replicas' syncs meet at the same moment, as they may when
// replicas start together.
type gatedRelays struct {
	app.Store
	gate  <-chan struct{}
	reads atomic.Int32
}

func (g *gatedRelays) Relays() ([]store.Relay, error) {
	if g.reads.Add(1) > 1 {
		<-g.gate
	}
	return g.Store.Relays()
}

// startGated starts a replica on cfg whose relay reads wait for gate and
// whose clock is ahead by skew.
func startGated(t *testing.T, cfg *config.Config, gate <-chan struct{}, skew time.Duration) *apptest.Herald {
	return apptest.Start(t, cfg, func(o *app.Options) {
		o.Store = &gatedRelays{Store: o.Store, gate: gate}
		o.Now = func() time.Time { return time.Now().Add(skew) }
	})
}

// TestRelaySyncOnce: two replicas start on one database with a relay in
// their config, their relay syncs let go at one moment: the relay gets
// one Follow, from the replica holding the relays task; when that one
// stops, the other takes the task over and sends none, as the
// subscription is stored.
func TestRelaySyncOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	relay, err := fedtest.NewRelay(fedtest.RelayOptions{Software: fedtest.ActivityRelay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(relay.Close)
	url := pgtest.Database(t)
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := replicaConfig(t, url, feed.URL)
	cfg.Relays = []string{relay.SubscribeURL()}
	gate := make(chan struct{})
	// The second clock runs 1.5 s ahead (within what lease_time allows),
	// so that two syncs at one moment would make Follows of different ids
	// (they are named by the second), not one Follow twice.
	first := startGated(t, cfg, gate, 0)
	second := startGated(t, apptest.ReplicaConfig(t, cfg), gate, 1500*time.Millisecond)
	close(gate)
	if _, err := relay.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Follow" }); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 30*time.Second, "the relay accepted", func() bool {
		rs, err := first.Store().Relays()
		return err == nil && len(rs) == 1 && rs[0].State == store.RelayAccepted
	})
	apptest.QueueDrained(t, first)
	if n := len(relayFollows(relay)); n != 1 {
		t.Fatalf("the relay got %d Follows, want 1", n)
	}
	holder, other := first, second
	if taskHolder(t, url, "relays") == second.App().Replica() {
		holder, other = second, first
	}
	holder.Stop()
	apptest.Eventually(t, 30*time.Second, "the other replica holding the relays task", func() bool {
		return taskHolder(t, url, "relays") == other.App().Replica()
	})
	apptest.QueueDrained(t, other)
	other.Stop()
	if n := len(relayFollows(relay)); n != 1 {
		t.Errorf("the relay got %d Follows, want 1", n)
	}
}

// relayFollows returns the Follows relay received.
func relayFollows(relay *fedtest.Relay) []fedtest.Delivery {
	var follows []fedtest.Delivery
	for _, d := range relay.Received() {
		if d.Type() == "Follow" {
			follows = append(follows, d)
		}
	}
	return follows
}

// TestProfileAnnouncedOnce: a profile changed while the replicas were
// stopped reaches a follower as one Update when two replicas start with
// it on one database: both look at the profile (both claim the profiles
// task, one after the other), and the second finds it announced.
func TestProfileAnnouncedOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	url := pgtest.Database(t)
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := replicaConfig(t, url, feed.URL)
	urls := actor.URLs{Base: cfg.BaseURL}
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 10*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	alice := apptest.NewPeer(t)
	apptest.Follow(ctx, t, cfg.BaseURL, alice)
	h.Stop()
	h = apptest.Start(t, cfg, nil) // records the profile (the first start had not polled yet)
	apptest.Eventually(t, 10*time.Second, "the profile recorded", func() bool {
		_, err := h.Store().Document(urls.Actor("news") + "/profile-record")
		return err == nil
	})
	h.Stop()

	cfg.Feeds[0].Name = "Nieuwe naam"
	recordTaskClaims(t, url)
	first := apptest.Start(t, cfg, nil)
	second := apptest.Start(t, apptest.ReplicaConfig(t, cfg), nil)
	isProfile := func(d fedtest.Delivery) bool {
		return d.Type() == "Update" && d.Object()["id"] == urls.Actor("news") && d.Object()["name"] == "Nieuwe naam"
	}
	apptest.WaitVerified(ctx, t, alice, "Update", isProfile)
	apptest.Eventually(t, 30*time.Second, "both replicas past the profiles task", func() bool {
		return len(taskClaimers(t, url, "profiles")) == 2 && taskHolder(t, url, "profiles") == ""
	})
	apptest.QueueDrained(t, first)
	first.Stop()
	second.Stop()
	n := 0
	for _, d := range alice.Deliveries() {
		if isProfile(d) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d profile Updates, want 1", n)
	}
}
