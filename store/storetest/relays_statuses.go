package storetest

import (
	"reflect"
	"testing"
	"time"

	"herald/store"
)

// checkPublishStatusToRelays: a public post written in an app goes to the
// account's accepted relays as a feed post does (LitePub relays get the
// relay actor's Announce instead of its Create), and so does its Delete
// (to every accepted relay, as it is); an unlisted one goes to none.
func checkPublishStatusToRelays(t *testing.T, b Backend) {
	for _, r := range []store.Relay{refusedRelay, mastodonRelay, litepubRelay} {
		if err := b.PutRelay(r); err != nil {
			t.Fatal(err)
		}
	}
	importFollowers(t, b, "news", store.Follower{ID: bob, Inbox: "https://a.example/inbox", FollowID: "https://a.example/f/1", Since: t0})
	relays := []string{mastodonRelay.URL, litepubRelay.URL, refusedRelay.URL, "https://unknown.relay/inbox"}
	pub, note, create := testStatus(1, store.VisibilityPublic, t0)
	announce := doc(pub.ObjectID + "/relayed")
	pub.Relays, pub.RelayAnnounce = relays, &announce
	quiet, quietNote, quietCreate := testStatus(2, store.VisibilityUnlisted, t0.Add(time.Second))
	quiet.Relays, quiet.RelayAnnounce = relays, &announce
	publish(t, b, pub, note, create, t0)
	publish(t, b, quiet, quietNote, quietCreate, t0)
	want := map[string][]string{
		create.ID:      {"https://a.example/inbox", mastodonRelay.Inbox},
		announce.ID:    {litepubRelay.Inbox},
		quietCreate.ID: {"https://a.example/inbox"},
	}
	if got := jobsByActivity(t, b); !reflect.DeepEqual(got, want) {
		t.Errorf("jobs = %v, want %v", got, want)
	}
	if jobs, _ := b.DueJobs(farFuture, 100, func(j store.Job) bool { return j.ActivityID != announce.ID }); len(jobs) != 1 || jobs[0].Handle != store.RelayHandle {
		t.Errorf("Announce jobs = %+v, want one signed as %q", jobs, store.RelayHandle)
	}
	if raw, err := b.Document(announce.ID); err != nil || string(raw) != string(announce.JSON) {
		t.Errorf("Announce stored = %s, %v", raw, err)
	}
	stored := pub
	stored.RelayAnnounce = nil
	if got, _, err := b.LocalStatus(pub.ID); err != nil || !reflect.DeepEqual(got, stored) {
		t.Errorf("LocalStatus = %+v, %v; want %+v", got, err, stored)
	}
	del := doc(pub.ObjectID + "/delete")
	if _, _, err := b.DeleteStatus(pub.ID, doc(pub.ObjectID), del, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := jobsByActivity(t, b)[del.ID]; !reflect.DeepEqual(got, []string{"https://a.example/inbox", litepubRelay.Inbox, mastodonRelay.Inbox}) {
		t.Errorf("the Delete went to %v, want the follower and both accepted relays", got)
	}
}
