package store

import (
	"testing"
)

// TestQueueActivity: one job per unique delivery inbox (two followers on
// one server share its inbox), the document stored, nothing for an actor
// without followers.
func TestQueueActivity(t *testing.T) {
	db := openTestDB(t)
	for i, f := range []Follower{
		{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox", FollowID: "https://a.example/f/1", Since: t0},
		{ID: "https://a.example/u/2", Inbox: "https://a.example/u/2/inbox", SharedInbox: "https://a.example/inbox", FollowID: "https://a.example/f/2", Since: t0},
		{ID: "https://b.example/u/3", Inbox: "https://b.example/u/3/inbox", FollowID: "https://b.example/f/3", Since: t0},
	} {
		if _, err := db.AddFollower("blog", f, doc("https://h.example/accept/"+string(rune('a'+i))), t0); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := db.PendingJobs()
	move := doc("https://h.example/users/blog/move")
	n, err := db.QueueActivity("blog", move, t0)
	if err != nil || n != 2 {
		t.Fatalf("QueueActivity = %d, %v; want 2 jobs", n, err)
	}
	if after, _ := db.PendingJobs(); after != before+2 {
		t.Errorf("pending jobs %d → %d, want +2", before, after)
	}
	if got, err := db.Document(move.ID); err != nil || string(got) != string(move.JSON) {
		t.Errorf("Document = %s, %v", got, err)
	}
	if n, err := db.QueueActivity("lonely", doc("https://h.example/users/lonely/move"), t0); err != nil || n != 0 {
		t.Errorf("QueueActivity without followers = %d, %v", n, err)
	}
}
