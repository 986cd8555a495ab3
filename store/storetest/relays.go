package storetest

import (
	"reflect"
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
