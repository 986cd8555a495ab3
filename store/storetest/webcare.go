package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"herald/store"
)

// webcareChecks cover what the client API's second part keeps: mentions,
// interactions by prefix, posts written in apps, and dismissed
// notifications.
var webcareChecks = []check{
	{"AddInteraction/mentions", checkMentions},
	{"InteractionsOn", checkInteractionsOn},
	{"PublishStatus/public and direct", checkPublishStatus},
	{"PublishStatus/idempotency key", checkIdempotencyKey},
	{"PublishStatus/relays", checkPublishStatusToRelays},
	{"DeleteStatus", checkDeleteStatus},
	{"NotificationDismissals", checkDismissals},
}

const newsActor = "https://herald.example/users/news"

// checkMentions: an actor may mention an account many times, each kept
// whole; an edit by its actor replaces all but Received.
func checkMentions(t *testing.T, b Backend) {
	m := store.Interaction{ID: "https://remote.example/notes/9", Kind: store.KindMention, Actor: alice, Object: newsActor,
		Content: "<p>@news hello?</p>", URL: "https://remote.example/@alice/9", Summary: "question", Visibility: store.VisibilityDirect,
		InReplyTo: "https://remote.example/notes/8", Published: t0, Received: t0}
	second := m
	second.ID, second.InReplyTo = "https://remote.example/notes/10", ""
	for _, i := range []store.Interaction{m, second} {
		if isNew, err := b.AddInteraction(i); err != nil || !isNew {
			t.Fatalf("AddInteraction(%s) = %t, %v; want new", i.ID, isNew, err)
		}
	}
	if items, total, err := b.Interactions(newsActor, store.KindMention, 10); err != nil || total != 2 || !reflect.DeepEqual(items[1], m) {
		t.Errorf("Interactions(mentions) = %+v, %d, %v; want both, by id, the second %+v", items, total, err, m)
	}
	edited := m
	edited.Content, edited.Visibility, edited.Summary, edited.Received = "<p>@news hello!</p>", store.VisibilityPrivate, "", t0.Add(time.Hour)
	if isNew, err := b.AddInteraction(edited); err != nil || isNew {
		t.Fatalf("AddInteraction(edit) = %t, %v", isNew, err)
	}
	want := edited
	want.Received = t0
	if got, found, err := b.Interaction(m.ID); err != nil || !found || !reflect.DeepEqual(got, want) {
		t.Errorf("edited mention = %+v, %t, %v; want %+v", got, found, err, want)
	}
}

// checkInteractionsOn: every interaction on an account's posts, by object,
// kind and id, and none on another account's whose handle extends it.
func checkInteractionsOn(t *testing.T, b Backend) {
	addInteractions(t, b,
		store.Interaction{ID: "r1", Kind: store.KindReply, Actor: bob, Object: postB, Content: "hi", Visibility: store.VisibilityPublic},
		store.Interaction{ID: "l2", Kind: store.KindLike, Actor: bob, Object: postA},
		store.Interaction{ID: "l1", Kind: store.KindLike, Actor: alice, Object: postA},
		store.Interaction{ID: "s1", Kind: store.KindShare, Actor: alice, Object: postA},
		store.Interaction{ID: "m1", Kind: store.KindMention, Actor: alice, Object: newsActor},
		store.Interaction{ID: "l3", Kind: store.KindLike, Actor: alice, Object: "https://herald.example/users/news2/posts/a"},
	)
	got, err := b.InteractionsOn(newsActor + "/posts/")
	var ids []string
	for _, i := range got {
		ids = append(ids, i.ID)
	}
	if want := []string{"l1", "l2", "s1", "r1"}; err != nil || !slices.Equal(ids, want) {
		t.Errorf("InteractionsOn = %v, %v; want %v", ids, err, want)
	}
	if got[3].Visibility != store.VisibilityPublic || got[3].Content != "hi" {
		t.Errorf("the reply read back as %+v", got[3])
	}
	if none, err := b.InteractionsOn("https://herald.example/users/nobody/posts/"); err != nil || none != nil {
		t.Errorf("InteractionsOn of an account without any = %v, %v", none, err)
	}
}

// testStatus returns a post of news written in an app, with its Note and
// Create, made at at.
func testStatus(n int, visibility string, at time.Time, inboxes ...string) (store.LocalStatus, store.Document, store.Document) {
	id := uint64(at.UnixMilli())<<16 | uint64(n)
	obj := fmt.Sprintf("%s/posts/%d", newsActor, id)
	st := store.LocalStatus{ID: id, Handle: "news", ObjectID: obj, ActivityID: obj + "/activity", Visibility: visibility,
		Text: fmt.Sprintf("post %d", n), Language: "nl", Inboxes: inboxes, Created: at}
	return st, doc(obj), doc(obj + "/activity")
}

func publish(t *testing.T, b Backend, st store.LocalStatus, note, create store.Document, now time.Time) (store.LocalStatus, int) {
	t.Helper()
	saved, queued, err := b.PublishStatus(st, note, create, now)
	if err != nil {
		t.Fatalf("PublishStatus(%d): %v", st.ID, err)
	}
	return saved, queued
}

// checkPublishStatus: a public post goes to the outbox and to the
// followers and the mentioned; a direct one only to the mentioned. Both
// are found by id and by account; an id is not taken twice.
func checkPublishStatus(t *testing.T, b Backend) {
	importFollowers(t, b, "news", store.Follower{ID: bob, Inbox: bob + "/inbox", SharedInbox: "https://remote.example/inbox"})
	pub, note, create := testStatus(1, store.VisibilityPublic, t0, "https://other.example/inbox", "https://remote.example/inbox")
	if _, queued := publish(t, b, pub, note, create, t0); queued != 2 {
		t.Errorf("public post queued %d jobs, want 2 (the shared inbox once, the mentioned one)", queued)
	}
	dm, dmNote, dmCreate := testStatus(2, store.VisibilityDirect, t0.Add(time.Second), "https://other.example/inbox")
	if _, queued := publish(t, b, dm, dmNote, dmCreate, t0); queued != 1 {
		t.Errorf("direct post queued %d jobs, want 1", queued)
	}
	jobs := jobsByActivity(t, b)
	if !slices.Equal(jobs[create.ID], []string{"https://other.example/inbox", "https://remote.example/inbox"}) ||
		!slices.Equal(jobs[dmCreate.ID], []string{"https://other.example/inbox"}) {
		t.Errorf("jobs = %v", jobs)
	}
	entries, total, err := b.Outbox("news", time.Time{}, 10)
	if err != nil || total != 1 || !entries[0].At.Equal(t0) {
		t.Errorf("outbox = %d entries (%v), want the public post at %s", total, err, t0)
	}
	for _, want := range []store.LocalStatus{pub, dm} {
		if got, found, err := b.LocalStatus(want.ID); err != nil || !found || !reflect.DeepEqual(got, want) {
			t.Errorf("LocalStatus(%d) = %+v, %t, %v; want %+v", want.ID, got, found, err, want)
		}
	}
	if all, err := b.LocalStatuses("news"); err != nil || len(all) != 2 || all[0].ID != pub.ID {
		t.Errorf("LocalStatuses = %+v, %v", all, err)
	}
	if none, err := b.LocalStatuses("weather"); err != nil || len(none) != 0 {
		t.Errorf("LocalStatuses of another account = %+v, %v", none, err)
	}
	if _, _, err := b.PublishStatus(pub, note, create, t0); !errors.Is(err, store.ErrExists) {
		t.Errorf("publishing an id twice: %v, want ErrExists", err)
	}
	if _, found, err := b.LocalStatus(12345); err != nil || found {
		t.Errorf("LocalStatus of an unknown id: %t, %v", found, err)
	}
}

// checkIdempotencyKey: within the window, a post with the same key gives
// the first back; after it, or for another account, it is a new post.
func checkIdempotencyKey(t *testing.T, b Backend) {
	first, note, create := testStatus(1, store.VisibilityPublic, t0)
	first.IdempotencyKey = "k1"
	publish(t, b, first, note, create, t0)
	again, note2, create2 := testStatus(2, store.VisibilityPublic, t0.Add(time.Minute))
	again.IdempotencyKey = "k1"
	if saved, queued := publish(t, b, again, note2, create2, t0.Add(time.Minute)); saved.ID != first.ID || queued != 0 {
		t.Errorf("same key within the hour: got post %d (%d queued), want %d", saved.ID, queued, first.ID)
	}
	if _, found, _ := b.LocalStatus(again.ID); found {
		t.Error("the repeated request was stored")
	}
	later, note3, create3 := testStatus(3, store.VisibilityPublic, t0.Add(2*time.Hour))
	later.IdempotencyKey = "k1"
	if saved, _ := publish(t, b, later, note3, create3, t0.Add(2*time.Hour)); saved.ID != later.ID {
		t.Errorf("same key after the hour: got post %d, want the new %d", saved.ID, later.ID)
	}
	other, note4, create4 := testStatus(4, store.VisibilityPublic, t0.Add(2*time.Hour))
	other.Handle, other.IdempotencyKey = "weather", "k1"
	if saved, _ := publish(t, b, other, note4, create4, t0.Add(2*time.Hour)); saved.ID != other.ID {
		t.Errorf("same key for another account: got post %d, want %d", saved.ID, other.ID)
	}
}

// checkDeleteStatus: a deleted post is gone from the records and the
// outbox, tombstoned, and its Delete goes where its Create went.
func checkDeleteStatus(t *testing.T, b Backend) {
	importFollowers(t, b, "news", store.Follower{ID: bob, Inbox: bob + "/inbox"})
	pub, note, create := testStatus(1, store.VisibilityUnlisted, t0, "https://other.example/inbox")
	dm, dmNote, dmCreate := testStatus(2, store.VisibilityDirect, t0, "https://other.example/inbox")
	publish(t, b, pub, note, create, t0)
	publish(t, b, dm, dmNote, dmCreate, t0)
	for _, tt := range []struct {
		st   store.LocalStatus
		want []string
	}{{pub, []string{"https://other.example/inbox", bob + "/inbox"}}, {dm, []string{"https://other.example/inbox"}}} {
		tomb, del := store.Document{ID: tt.st.ObjectID, JSON: []byte(`{"type":"Tombstone"}`)}, doc(tt.st.ObjectID+"/delete")
		deleted, queued, err := b.DeleteStatus(tt.st.ID, tomb, del, t0.Add(time.Minute))
		if err != nil || !reflect.DeepEqual(deleted, tt.st) || queued != len(tt.want) {
			t.Errorf("DeleteStatus(%s) = %+v, %d, %v", tt.st.Visibility, deleted, queued, err)
		}
		if got := jobsByActivity(t, b)[del.ID]; !slices.Equal(got, tt.want) {
			t.Errorf("Delete of the %s post queued for %v, want %v", tt.st.Visibility, got, tt.want)
		}
		for _, id := range []string{tt.st.ObjectID, tt.st.ActivityID} {
			if _, err := b.Document(id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("document %s after the deletion: %v", id, err)
			}
			if got, err := b.Tombstone(id); err != nil || string(got) != `{"type":"Tombstone"}` {
				t.Errorf("tombstone of %s = %s, %v", id, got, err)
			}
		}
		if _, found, _ := b.LocalStatus(tt.st.ID); found {
			t.Errorf("the %s post is still found", tt.st.Visibility)
		}
	}
	if _, total, _ := b.Outbox("news", time.Time{}, 10); total != 0 {
		t.Errorf("outbox holds %d entries after the deletion", total)
	}
	if _, _, err := b.DeleteStatus(pub.ID, doc(pub.ObjectID), doc(pub.ObjectID+"/delete"), t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting again: %v, want ErrNotFound", err)
	}
}

// checkDismissals: single dismissals and a clear, per account; a clear
// never goes back and forgets the dismissals it covers.
func checkDismissals(t *testing.T, b Backend) {
	for _, id := range []uint64{30, 10, 50, 10} {
		if err := b.DismissNotification("news", id); err != nil {
			t.Fatal(err)
		}
	}
	if d, err := b.NotificationDismissals("news"); err != nil || d.Through != 0 || !slices.Equal(d.IDs, []uint64{10, 30, 50}) {
		t.Errorf("dismissals = %+v, %v; want 10, 30, 50", d, err)
	}
	for _, through := range []uint64{30, 20} {
		if err := b.ClearNotifications("news", through); err != nil {
			t.Fatal(err)
		}
	}
	d, err := b.NotificationDismissals("news")
	if err != nil || d.Through != 30 || !slices.Equal(d.IDs, []uint64{50}) {
		t.Errorf("after clearing through 30 (then 20) = %+v, %v", d, err)
	}
	if !d.Dismissed(5) || !d.Dismissed(50) || d.Dismissed(40) {
		t.Errorf("Dismissed: %+v", d)
	}
	if other, err := b.NotificationDismissals("weather"); err != nil || other.Through != 0 || len(other.IDs) != 0 {
		t.Errorf("another account's dismissals = %+v, %v", other, err)
	}
}
