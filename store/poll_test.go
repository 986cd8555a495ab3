package store

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// TestCommitPollDeletion: a deletion marks the item, turns the object and
// its activities into tombstones, empties their outbox entries and queues
// the Delete for every follower inbox.
func TestCommitPollDeletion(t *testing.T) {
	db := openTestDB(t)
	addFollowers(t, db, Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"})
	keep, gone := testPost("keep", t0), testPost("gone", t0.Add(time.Minute))
	if _, err := db.CommitPoll("blog", PollCommit{Posts: []Post{keep, gone}}, t0); err != nil {
		t.Fatal(err)
	}
	obj := gone.Item.ObjectID
	del := Deletion{Key: "gone", Tombstone: Document{ID: obj, JSON: []byte(`{"type":"Tombstone"}`)},
		Gone: []string{gone.Activity.ID}, Delete: doc(obj + "/delete"), At: t0.Add(time.Hour)}
	queued, err := db.CommitPoll("blog", PollCommit{Deliver: true, Deletions: []Deletion{del}}, t0.Add(time.Hour))
	if err != nil || queued != 1 {
		t.Fatalf("CommitPoll = %d, %v; want 1 job", queued, err)
	}
	for _, id := range []string{obj, gone.Activity.ID} {
		if _, err := db.Document(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Document(%s) after delete: %v", id, err)
		}
		if ts, err := db.Tombstone(id); err != nil || string(ts) != `{"type":"Tombstone"}` {
			t.Errorf("Tombstone(%s) = %s, %v", id, ts, err)
		}
	}
	if _, err := db.Tombstone(keep.Object.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Tombstone of a standing post: %v", err)
	}
	if _, err := db.Document(del.Delete.ID); err != nil {
		t.Errorf("Delete activity not stored: %v", err)
	}
	entries, total, err := db.Outbox("blog", time.Time{}, 10)
	if err != nil || total != 1 || len(entries) != 1 {
		t.Fatalf("outbox after delete: %d entries, total %d, %v", len(entries), total, err)
	}
	seen, _ := db.SeenItems("blog")
	if !seen["gone"].Deleted.Equal(del.At) || !seen["keep"].Deleted.IsZero() {
		t.Errorf("deleted marks: gone %v keep %v", seen["gone"].Deleted, seen["keep"].Deleted)
	}
	if got := jobsByActivity(t, db); !slices.Equal(got[del.Delete.ID], []string{"https://a.example/u/1/inbox"}) {
		t.Errorf("jobs %v", got)
	}
	missing := del
	missing.Key = "never"
	if _, err := db.CommitPoll("blog", PollCommit{Deletions: []Deletion{missing}}, t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting an unknown item: %v", err)
	}
}

// TestCommitPollSchedule: held posts are replaced as a set, released one
// by one, and survive a reopen.
func TestCommitPollSchedule(t *testing.T) {
	db := openTestDB(t)
	a, b := testPost("a", t0), testPost("b", t0)
	c := PollCommit{ReplaceSchedule: true, Schedule: []Scheduled{{Post: a, Due: t0}, {Post: b, Due: t0.Add(time.Hour)}}}
	if _, err := db.CommitPoll("blog", c, t0); err != nil {
		t.Fatal(err)
	}
	db.reopen()
	got, err := db.Schedule("blog")
	if err != nil || len(got) != 2 || string(got[0].Post.Object.JSON) != string(a.Object.JSON) || !got[1].Due.Equal(t0.Add(time.Hour)) {
		t.Fatalf("Schedule = %+v, %v", got, err)
	}
	if _, err := db.CommitPoll("blog", PollCommit{Released: []string{"a"}, Posts: []Post{a}}, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Schedule("blog"); len(got) != 1 || got[0].Post.Item.Key != "b" {
		t.Fatalf("after release: %+v", got)
	}
	if _, err := db.CommitPoll("blog", PollCommit{ReplaceSchedule: true}, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Schedule("blog"); len(got) != 0 {
		t.Fatalf("after replace with nothing: %+v", got)
	}
}

// TestSilentPostsQueueNothing: a silent post is stored but not delivered.
func TestSilentPostsQueueNothing(t *testing.T) {
	db := openTestDB(t)
	addFollowers(t, db, Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"})
	old := testPost("old", t0)
	old.Silent = true
	queued, err := db.CommitPoll("blog", PollCommit{Deliver: true, Posts: []Post{old, testPost("new", t0)}}, t0)
	if err != nil || queued != 1 {
		t.Fatalf("CommitPoll = %d, %v; want 1 job", queued, err)
	}
	if _, err := db.Document(old.Object.ID); err != nil {
		t.Errorf("silent post not stored: %v", err)
	}
}
