package store

import (
	"testing"
	"time"
)

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
