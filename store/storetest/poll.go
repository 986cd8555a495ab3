package storetest

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"herald/store"
)

var pollChecks = []check{
	{"CommitPoll/deletion", checkCommitPollDeletion},
	{"CommitPoll/schedule", checkCommitPollSchedule},
	{"CommitPoll/silent posts queue nothing", checkSilentPostsQueueNothing},
	{"CommitPoll/records", checkCommitPollRecords},
	{"CommitPoll/relays", checkCommitPollToRelays},
	{"CommitPoll/all or nothing", checkCommitPollAtomic},
}

// checkCommitPollDeletion: a deletion marks the item, turns the object and
// its activities into tombstones, empties their outbox entries and queues
// the Delete for every follower inbox.
func checkCommitPollDeletion(t *testing.T, b Backend) {
	importFollowers(t, b, "blog", store.Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"})
	keep, gone := testPost("keep", t0), testPost("gone", t0.Add(time.Minute))
	if _, err := b.CommitPoll("blog", store.PollCommit{Posts: []store.Post{keep, gone}}, t0); err != nil {
		t.Fatal(err)
	}
	obj := gone.Item.ObjectID
	del := store.Deletion{Key: "gone", Tombstone: store.Document{ID: obj, JSON: []byte(`{"type":"Tombstone"}`)},
		Gone: []string{gone.Activity.ID}, Delete: doc(obj + "/delete"), At: t0.Add(time.Hour)}
	queued, err := b.CommitPoll("blog", store.PollCommit{Deliver: true, Deletions: []store.Deletion{del}}, t0.Add(time.Hour))
	if err != nil || queued != 1 {
		t.Fatalf("CommitPoll = %d, %v; want 1 job", queued, err)
	}
	for _, id := range []string{obj, gone.Activity.ID} {
		if _, err := b.Document(id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Document(%s) after delete: %v", id, err)
		}
		if ts, err := b.Tombstone(id); err != nil || string(ts) != `{"type":"Tombstone"}` {
			t.Errorf("Tombstone(%s) = %s, %v", id, ts, err)
		}
	}
	if _, err := b.Tombstone(keep.Object.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Tombstone of a standing post: %v", err)
	}
	if _, err := b.Document(del.Delete.ID); err != nil {
		t.Errorf("Delete activity not stored: %v", err)
	}
	entries, total, err := b.Outbox("blog", time.Time{}, 10)
	if err != nil || total != 1 || len(entries) != 1 {
		t.Fatalf("outbox after delete: %d entries, total %d, %v", len(entries), total, err)
	}
	seen, _ := b.SeenItems("blog")
	if !seen["gone"].Deleted.Equal(del.At) || !seen["keep"].Deleted.IsZero() {
		t.Errorf("deleted marks: gone %v keep %v", seen["gone"].Deleted, seen["keep"].Deleted)
	}
	if got := jobsByActivity(t, b); !slices.Equal(got[del.Delete.ID], []string{"https://a.example/u/1/inbox"}) {
		t.Errorf("jobs %v", got)
	}
	missing := del
	missing.Key = "never"
	if _, err := b.CommitPoll("blog", store.PollCommit{Deletions: []store.Deletion{missing}}, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting an unknown item: %v", err)
	}
}

// checkCommitPollSchedule: held posts are replaced as a set and released
// one by one.
func checkCommitPollSchedule(t *testing.T, b Backend) {
	a, c := testPost("a", t0), testPost("c", t0)
	a.RelayAnnounce = &store.Document{ID: "https://h.example/relayed/a", JSON: []byte(`{}`)}
	held := []store.Scheduled{{Post: c, Due: t0.Add(time.Hour)}, {Post: a, Due: t0}}
	if _, err := b.CommitPoll("blog", store.PollCommit{ReplaceSchedule: true, Schedule: held}, t0); err != nil {
		t.Fatal(err)
	}
	got, err := b.Schedule("blog")
	if err != nil || !reflect.DeepEqual(got, []store.Scheduled{held[1], held[0]}) {
		t.Fatalf("Schedule = %+v, %v; want both, by item key", got, err)
	}
	if other, _ := b.Schedule("other"); other != nil {
		t.Errorf("another account's schedule = %+v", other)
	}
	if _, err := b.CommitPoll("blog", store.PollCommit{Released: []string{"a"}, Posts: []store.Post{a}}, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Schedule("blog"); len(got) != 1 || got[0].Post.Item.Key != "c" {
		t.Fatalf("after release: %+v", got)
	}
	moved := store.Scheduled{Post: c, Due: t0.Add(2 * time.Hour)}
	if _, err := b.CommitPoll("blog", store.PollCommit{Schedule: []store.Scheduled{moved}}, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Schedule("blog"); len(got) != 1 || !got[0].Due.Equal(moved.Due) {
		t.Fatalf("after holding again: %+v, want the new due time", got)
	}
	if _, err := b.CommitPoll("blog", store.PollCommit{ReplaceSchedule: true}, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Schedule("blog"); len(got) != 0 {
		t.Fatalf("after replace with nothing: %+v", got)
	}
}

// checkSilentPostsQueueNothing: a silent post is stored but not delivered.
func checkSilentPostsQueueNothing(t *testing.T, b Backend) {
	importFollowers(t, b, "blog", store.Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"})
	old := testPost("old", t0)
	old.Silent = true
	queued, err := b.CommitPoll("blog", store.PollCommit{Deliver: true, Posts: []store.Post{old, testPost("new", t0)}}, t0)
	if err != nil || queued != 1 {
		t.Fatalf("CommitPoll = %d, %v; want 1 job", queued, err)
	}
	if _, err := b.Document(old.Object.ID); err != nil {
		t.Errorf("silent post not stored: %v", err)
	}
	if jobs := jobsByActivity(t, b); jobs[old.Activity.ID] != nil {
		t.Errorf("silent post queued: %v", jobs)
	}
}

// checkCommitPollRecords: records replace item records and publish nothing.
func checkCommitPollRecords(t *testing.T, b Backend) {
	p := testPost("one", t0)
	if _, err := b.CommitPoll("blog", store.PollCommit{Posts: []store.Post{p}}, t0); err != nil {
		t.Fatal(err)
	}
	rec := p.Item
	rec.Hash = "baseline"
	other := store.SeenItem{Key: "two", ObjectID: "https://h.example/blog/notes/two", Hash: "h", Published: t0, Link: "https://blog.example/two"}
	if _, err := b.CommitPoll("blog", store.PollCommit{Records: []store.SeenItem{rec, other}, Deliver: true}, t0); err != nil {
		t.Fatal(err)
	}
	seen, err := b.SeenItems("blog")
	if err != nil || !reflect.DeepEqual(seen, map[string]store.SeenItem{"one": rec, "two": other}) {
		t.Errorf("SeenItems = %+v, %v", seen, err)
	}
	if _, total, _ := b.Outbox("blog", time.Time{}, 10); total != 1 {
		t.Errorf("outbox total = %d, want 1: records publish nothing", total)
	}
	if _, err := b.Document(other.ObjectID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a record stored a document: %v", err)
	}
}
