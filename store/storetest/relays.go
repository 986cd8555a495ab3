package storetest

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"herald/store"
)

// Relays of checkCommitPollToRelays: a Mastodon-style one and a LitePub
// one, accepted, and a refused one.
var (
	mastodonRelay = store.Relay{URL: "https://m.relay/inbox", Flavour: "mastodon", Inbox: "https://m.relay/inbox",
		ActorID: "https://m.relay/actor", FollowID: "https://h.example/relay/follows/m", State: store.RelayAccepted, Since: t0, Subscribed: t0}
	litepubRelay = store.Relay{URL: "https://l.relay/actor", Flavour: "litepub", Inbox: "https://l.relay/inbox",
		ActorID: "https://l.relay/actor", State: store.RelayAccepted, Since: t0, Subscribed: t0.Add(-time.Hour)}
	refusedRelay = store.Relay{URL: "https://r.relay/inbox", Flavour: "mastodon", Inbox: "https://r.relay/inbox",
		State: store.RelayRefused, LastError: "rejected"}
)

// checkCommitPollToRelays: public posts go to the accepted relays of the
// feed; LitePub relays get the relay actor's Announce of a new post
// instead of its Create, and its Updates as they are.
func checkCommitPollToRelays(t *testing.T, b Backend) {
	for _, r := range []store.Relay{refusedRelay, mastodonRelay, litepubRelay} {
		if err := b.PutRelay(r); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := b.Relays(); err != nil || !reflect.DeepEqual(got, []store.Relay{litepubRelay, mastodonRelay, refusedRelay}) {
		t.Errorf("Relays = %+v, %v; want all three by URL", got, err)
	}
	importFollowers(t, b, "blog", store.Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/inbox", FollowID: "https://a.example/f/1", Since: t0})
	post := testPost("p1", t0)
	announce := doc(post.Object.ID + "/relayed")
	post.RelayAnnounce = &announce
	edit := testPost("p0", t0)
	edit.Item.Version = 1
	_, err := b.CommitPoll("blog", store.PollCommit{Posts: []store.Post{post, edit}, Deliver: true,
		Relays: []string{mastodonRelay.URL, litepubRelay.URL, refusedRelay.URL, "https://unknown.relay/inbox"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		post.Activity.ID: {"https://a.example/inbox", mastodonRelay.Inbox},
		announce.ID:      {litepubRelay.Inbox},
		edit.Activity.ID: {"https://a.example/inbox", litepubRelay.Inbox, mastodonRelay.Inbox},
	}
	if got := jobsByActivity(t, b); !reflect.DeepEqual(got, want) {
		t.Errorf("jobs = %v, want %v", got, want)
	}
	jobs, _ := b.DueJobs(farFuture, 100, func(j store.Job) bool { return j.ActivityID != announce.ID })
	if len(jobs) != 1 || jobs[0].Handle != store.RelayHandle {
		t.Errorf("Announce jobs = %+v, want one signed as %q", jobs, store.RelayHandle)
	}
	if raw, err := b.Document(announce.ID); err != nil || string(raw) != string(announce.JSON) {
		t.Errorf("Announce stored = %s, %v", raw, err)
	}
	if err := b.PutRelay(store.Relay{Inbox: "https://x.relay/inbox"}); err == nil {
		t.Error("PutRelay without a URL succeeded")
	}
}

// checkCommitPollAtomic: when one part of a poll fails, nothing of it is
// committed: not the state, the schedule, the records, the posts nor
// their jobs.
func checkCommitPollAtomic(t *testing.T, b Backend) {
	importFollowers(t, b, "blog", store.Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"})
	state := store.FeedState{URL: "https://blog.example/feed", ETag: "old"}
	if err := b.SaveFeedState("blog", state); err != nil {
		t.Fatal(err)
	}
	p := testPost("new", t0)
	missing := store.Deletion{Key: "never", Tombstone: doc("https://h.example/blog/notes/never"), Delete: doc("https://h.example/d"), At: t0}
	c := store.PollCommit{State: store.FeedState{URL: "changed"}, Posts: []store.Post{p}, Deliver: true,
		ReplaceSchedule: true, Schedule: []store.Scheduled{{Post: testPost("held", t0), Due: t0}},
		Records: []store.SeenItem{{Key: "rec", ObjectID: "o", Hash: "h"}}, Deletions: []store.Deletion{missing}}
	if queued, err := b.CommitPoll("blog", c, t0); err == nil || queued != 0 {
		t.Fatalf("CommitPoll = %d, %v; want an error", queued, err)
	}
	if got, _ := b.FeedState("blog"); !reflect.DeepEqual(got, state) {
		t.Errorf("FeedState = %+v, want it unchanged", got)
	}
	if held, _ := b.Schedule("blog"); len(held) != 0 {
		t.Errorf("Schedule = %+v, want none", held)
	}
	if seen, _ := b.SeenItems("blog"); len(seen) != 0 {
		t.Errorf("SeenItems = %+v, want none", seen)
	}
	if _, total, _ := b.Outbox("blog", time.Time{}, 10); total != 0 {
		t.Errorf("outbox total = %d, want 0", total)
	}
	if n, _ := b.PendingJobs(); n != 0 {
		t.Errorf("PendingJobs = %d, want 0", n)
	}
	if _, found, _ := b.DeliveryStats(p.Activity.ID); found {
		t.Error("the rolled-back post has delivery stats")
	}
}

var relayChecks = []check{
	{"SubscribeRelay", checkSubscribeRelay},
	{"UpdateRelayByFollow/concurrent changes all apply", checkUpdateRelayConcurrent},
	{"UnsubscribeRelay", checkUnsubscribeRelay},
}

// subscribeRelays subscribes to a Mastodon-style and a LitePub relay; the
// first is then accepted, the second stays pending.
func subscribeRelays(t *testing.T, b Backend) (mastodon, litepub store.Relay) {
	t.Helper()
	mastodon = store.Relay{URL: "https://m.relay/inbox", Flavour: "mastodon", Inbox: "https://m.relay/inbox", State: store.RelayPending, Since: t0, Subscribed: t0}
	litepub = store.Relay{URL: "https://l.relay/actor", Flavour: "litepub", Inbox: "https://l.relay/inbox", ActorID: "https://l.relay/actor",
		State: store.RelayPending, Since: t0, Subscribed: t0}
	for _, r := range []store.Relay{mastodon, litepub} {
		if err := b.SubscribeRelay(r, doc("https://h.example/relay/follows/"+r.Flavour), t0); err != nil {
			t.Fatal(err)
		}
	}
	litepub.FollowID = "https://h.example/relay/follows/litepub"
	accepted, err := b.UpdateRelayByFollow("https://h.example/relay/follows/mastodon", func(r *store.Relay) {
		r.State, r.ActorID = store.RelayAccepted, "https://m.relay/actor"
	})
	if err != nil || accepted.State != store.RelayAccepted || accepted.URL != mastodon.URL {
		t.Fatalf("UpdateRelayByFollow = %+v, %v", accepted, err)
	}
	return accepted, litepub
}

// checkSubscribeRelay: a subscription stores the relay with its Follow's
// id and queues the Follow, signed as the relay actor; the Follow's id
// finds the relay again.
func checkSubscribeRelay(t *testing.T, b Backend) {
	mastodon, litepub := subscribeRelays(t, b)
	want := mastodon
	want.State, want.ActorID, want.FollowID = store.RelayPending, "", "https://h.example/relay/follows/mastodon"
	jobs := dueJobs(t, b)
	if len(jobs) != 2 {
		t.Fatalf("jobs = %+v; want the two Follows", jobs)
	}
	for _, j := range jobs {
		if j.Handle != store.RelayHandle || !j.NextAttempt.Equal(t0) {
			t.Errorf("Follow job %+v, want one signed as %q, due at once", j, store.RelayHandle)
		}
	}
	if relays, err := b.Relays(); err != nil || !reflect.DeepEqual(relays, []store.Relay{litepub, mastodon}) {
		t.Errorf("Relays = %+v, %v; want %+v", relays, err, []store.Relay{litepub, mastodon})
	}
	if raw, err := b.Document(mastodon.FollowID); err != nil || string(raw) != string(doc(mastodon.FollowID).JSON) {
		t.Errorf("Follow document = %s, %v", raw, err)
	}
	if _, err := b.UpdateRelayByFollow("https://h.example/relay/follows/other", func(*store.Relay) {}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateRelayByFollow of an unknown Follow: %v, want ErrNotFound", err)
	}
	if _, err := b.UpdateRelayByFollow("", func(*store.Relay) {}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateRelayByFollow of no Follow: %v, want ErrNotFound", err)
	}
	if err := b.SubscribeRelay(store.Relay{URL: "https://x.relay/actor"}, doc("https://h.example/f"), t0); err == nil {
		t.Error("SubscribeRelay without an inbox succeeded")
	}
	if err := b.SubscribeRelay(store.Relay{URL: "https://x.relay/actor", Inbox: "https://x.relay/inbox"}, doc("https://h.example/f"), time.Time{}); err == nil {
		t.Error("SubscribeRelay at the zero time succeeded")
	}
	if relays, _ := b.Relays(); len(relays) != 2 {
		t.Errorf("Relays = %+v; a failed subscription stored one", relays)
	}
}

// checkUpdateRelayConcurrent: changes made at once apply one after the
// other, each to the relay as the one before left it.
func checkUpdateRelayConcurrent(t *testing.T, b Backend) {
	_, litepub := subscribeRelays(t, b)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := b.UpdateRelayByFollow(litepub.FollowID, func(r *store.Relay) { r.LastError += "x" }); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	relays, err := b.Relays()
	if err != nil || len(relays) != 2 || relays[0].LastError != strings.Repeat("x", 20) {
		t.Errorf("Relays = %+v, %v; want 20 changes to the LitePub relay", relays, err)
	}
}

// checkUnsubscribeRelay: the relay goes, its Undo is queued to its inbox,
// and it no longer follows the relay actor back.
func checkUnsubscribeRelay(t *testing.T, b Backend) {
	mastodon, litepub := subscribeRelays(t, b)
	back := store.Follower{ID: litepub.ActorID, Inbox: litepub.Inbox, FollowID: "https://l.relay/f/1", Since: t0}
	if _, err := b.AddFollower(store.RelayHandle, back, doc("https://h.example/relay/accepts/1"), t0); err != nil {
		t.Fatal(err)
	}
	undo := doc("https://h.example/relay/follows/litepub/undo")
	if err := b.UnsubscribeRelay(litepub.URL, &undo, t0); err != nil {
		t.Fatal(err)
	}
	undoJob := store.Job{ActivityID: undo.ID, Inbox: litepub.Inbox, Handle: store.RelayHandle, NextAttempt: t0, Created: t0}
	if got := jobsOf(t, b, undo.ID); !reflect.DeepEqual(got, []store.Job{undoJob}) {
		t.Errorf("Undo jobs = %+v, want %+v", got, undoJob)
	}
	if followers, err := b.Followers(store.RelayHandle); err != nil || len(followers) != 0 {
		t.Errorf("the relay still follows back: %+v, %v", followers, err)
	}
	if err := b.UnsubscribeRelay(mastodon.URL, nil, t0); err != nil {
		t.Fatal(err)
	}
	if relays, err := b.Relays(); err != nil || relays != nil {
		t.Errorf("Relays after unsubscribing = %+v, %v", relays, err)
	}
	if n, _ := b.PendingJobs(); n != 4 {
		t.Errorf("PendingJobs = %d, want 4: two Follows, an Accept, one Undo", n)
	}
	if err := b.UnsubscribeRelay("https://never.relay/inbox", &undo, t0); err != nil {
		t.Errorf("unsubscribing from an unknown relay: %v", err)
	}
}
