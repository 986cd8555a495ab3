package store

import (
	"errors"
	"reflect"
	"testing"
)

// relayFixture subscribes to a Mastodon-style and a LitePub relay and
// returns their URLs; the first is accepted, the second pending.
func relayFixture(t *testing.T, db *testDB) (mastodon, litepub Relay) {
	t.Helper()
	mastodon = Relay{URL: "https://m.relay/inbox", Flavour: "mastodon", Inbox: "https://m.relay/inbox", State: RelayPending, Since: t0, Subscribed: t0}
	litepub = Relay{URL: "https://l.relay/actor", Flavour: relayLitePub, Inbox: "https://l.relay/inbox", ActorID: "https://l.relay/actor", State: RelayPending, Since: t0, Subscribed: t0}
	for _, r := range []Relay{mastodon, litepub} {
		if err := db.SubscribeRelay(r, doc("https://h.example/relay/follows/"+r.Flavour), t0); err != nil {
			t.Fatal(err)
		}
	}
	accepted, err := db.UpdateRelayByFollow("https://h.example/relay/follows/mastodon", func(r *Relay) {
		r.State, r.ActorID = RelayAccepted, "https://m.relay/actor"
	})
	if err != nil || accepted.State != RelayAccepted || accepted.URL != mastodon.URL {
		t.Fatalf("UpdateRelayByFollow = %+v, %v", accepted, err)
	}
	return accepted, litepub
}

func TestSubscribeRelay(t *testing.T) {
	db := openTestDB(t)
	mastodon, _ := relayFixture(t, db)
	jobs, err := db.DueJobs(maxKeyTime, 10, nil)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("jobs = %+v, %v; want the two Follows", jobs, err)
	}
	for _, j := range jobs {
		if j.Handle != RelayHandle {
			t.Errorf("Follow %s is signed as %q, want %q", j.ActivityID, j.Handle, RelayHandle)
		}
	}
	relays, err := db.Relays()
	if err != nil || len(relays) != 2 || !reflect.DeepEqual(relays[1], mastodon) {
		t.Errorf("Relays = %+v, %v", relays, err)
	}
	if _, err := db.UpdateRelayByFollow("https://h.example/relay/follows/other", func(*Relay) {}); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateRelayByFollow of an unknown Follow: %v, want ErrNotFound", err)
	}
	if err := db.SubscribeRelay(Relay{URL: "https://x.relay/actor"}, doc("https://h.example/f"), t0); err == nil {
		t.Error("SubscribeRelay without an inbox succeeded")
	}
}

func TestCommitPollToRelays(t *testing.T) {
	db := openTestDB(t)
	mastodon, litepub := relayFixture(t, db)
	if err := db.PutRelay(func() Relay { r := litepub; r.State = RelayAccepted; return r }()); err != nil {
		t.Fatal(err)
	}
	refused := Relay{URL: "https://r.relay/inbox", Flavour: "mastodon", Inbox: "https://r.relay/inbox", State: RelayRefused}
	if err := db.PutRelay(refused); err != nil {
		t.Fatal(err)
	}
	addFollowers(t, db, Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/inbox", FollowID: "https://a.example/f/1", Since: t0})
	post := testPost("p1", t0)
	announce := doc(post.Object.ID + "/relayed")
	post.RelayAnnounce = &announce
	edit := testPost("p0", t0)
	edit.Item.Version = 1
	_, err := db.CommitPoll("blog", PollCommit{Posts: []Post{post, edit}, Deliver: true,
		Relays: []string{mastodon.URL, litepub.URL, refused.URL, "https://unknown.relay/inbox"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	got := jobsByActivity(t, db)
	want := map[string][]string{
		post.Activity.ID: {"https://a.example/inbox", mastodon.Inbox},
		announce.ID:      {litepub.Inbox},
		edit.Activity.ID: {"https://a.example/inbox", litepub.Inbox, mastodon.Inbox},
	}
	for id, inboxes := range want {
		if !reflect.DeepEqual(got[id], inboxes) {
			t.Errorf("%s goes to %v, want %v", id, got[id], inboxes)
		}
	}
	if raw, err := db.Document(announce.ID); err != nil || string(raw) != string(announce.JSON) {
		t.Errorf("Announce stored = %s, %v", raw, err)
	}
}

func TestUnsubscribeRelay(t *testing.T) {
	db := openTestDB(t)
	_, litepub := relayFixture(t, db)
	if _, err := db.AddFollower(RelayHandle, Follower{ID: litepub.ActorID, Inbox: litepub.Inbox, FollowID: "https://l.relay/f/1", Since: t0},
		doc("https://h.example/relay/accepts/1"), t0); err != nil {
		t.Fatal(err)
	}
	undo := doc("https://h.example/relay/follows/litepub/undo")
	if err := db.UnsubscribeRelay(litepub.URL, &undo, t0); err != nil {
		t.Fatal(err)
	}
	if got := jobsByActivity(t, db)[undo.ID]; !reflect.DeepEqual(got, []string{litepub.Inbox}) {
		t.Errorf("Undo goes to %v", got)
	}
	if followers, err := db.Followers(RelayHandle); err != nil || len(followers) != 0 {
		t.Errorf("the relay still follows back: %+v, %v", followers, err)
	}
	relays, err := db.Relays()
	if err != nil || len(relays) != 1 {
		t.Errorf("Relays after unsubscribing = %+v, %v", relays, err)
	}
	if err := db.UnsubscribeRelay("https://never.relay/inbox", &undo, t0); err != nil {
		t.Errorf("unsubscribing from an unknown relay: %v", err)
	}
}
