package store

import (
	"testing"
	"time"
)

func TestPostponeJobs(t *testing.T) {
	db := openTestDB(t)
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	follow := func(handle, id string) {
		f := Follower{ID: id, Inbox: id + "/inbox", FollowID: id + "#f", Since: t0}
		if _, err := db.AddFollower(handle, f, Document{ID: "https://h/" + handle + "/accepts/" + id, JSON: []byte("{}")}, t0); err != nil {
			t.Fatal(err)
		}
	}
	follow("news", "https://a.example/u/1")
	follow("weather", "https://a.example/u/2")
	if _, err := db.QueueActivitySignedWith("news", "news@previous", Document{ID: "https://h/news/update", JSON: []byte("{}")}, t0); err != nil {
		t.Fatal(err)
	}
	until := t0.Add(time.Hour)
	moved, err := db.PostponeJobs("news", until)
	if err != nil || moved != 1 {
		t.Fatalf("PostponeJobs = %d, %v; want the news Accept only", moved, err)
	}
	due, _ := db.DueJobs(t0.Add(30*time.Minute), 10, nil)
	if len(due) != 2 {
		t.Fatalf("%d jobs due before the postponement ends, want the other account's and the rotation Update: %+v", len(due), due)
	}
	if due, _ := db.DueJobs(until, 10, nil); len(due) != 3 {
		t.Fatalf("%d jobs due at the end, want 3", len(due))
	}
	if n, _ := db.PendingJobs(); n != 3 {
		t.Fatalf("%d jobs queued, want 3 (none lost or doubled)", n)
	}
}
