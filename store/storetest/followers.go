package storetest

import (
	"reflect"
	"testing"
	"time"

	"herald/store"
)

var followerChecks = []check{
	{"ImportFollowers", checkImportFollowers},
	{"AddFollower", checkAddFollower},
	{"AddFollower/at the zero time adds nobody", checkAddFollowerZeroTime},
	{"AddFollower/concurrent", checkAddFollowerConcurrent},
	{"AddFollower/one of concurrent Follows fails alone", checkAddFollowerOneFails},
	{"RemoveFollower", checkRemoveFollower},
	{"RemoveFollowersAt", checkRemoveFollowersAt},
	{"MoveFollower", checkMoveFollower},
	{"FollowerHistory", checkFollowerHistory},
}

func checkImportFollowers(t *testing.T, b Backend) {
	if got, err := b.Followers("blog"); err != nil || got != nil {
		t.Errorf("Followers of nobody = %+v, %v; want nil", got, err)
	}
	a := store.Follower{ID: "https://b.example/u/1", Inbox: "https://b.example/u/1/inbox", SharedInbox: "https://b.example/inbox", FollowID: "https://b.example/f/1", Since: t0}
	c := store.Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"}
	if n, err := b.ImportFollowers("blog", []store.Follower{a, c, a}); err != nil || n != 2 {
		t.Fatalf("ImportFollowers = %d, %v; want 2", n, err)
	}
	again := a
	again.Inbox, again.Since = "https://b.example/elsewhere", t0.Add(time.Hour)
	d := store.Follower{ID: "https://d.example/u/1", Inbox: "https://d.example/u/1/inbox", Since: t0}
	if n, err := b.ImportFollowers("blog", []store.Follower{again, d}); err != nil || n != 1 {
		t.Fatalf("second ImportFollowers = %d, %v; want 1 (a follower present keeps its record)", n, err)
	}
	want := []store.Follower{c, a, d} // by id
	if got, err := b.Followers("blog"); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Followers = %+v, %v; want %+v", got, err, want)
	}
	bad := []store.Follower{{ID: "https://e.example/u/1", Inbox: "https://e.example/inbox"}, {ID: "https://e.example/u/2"}}
	if _, err := b.ImportFollowers("blog", bad); err == nil {
		t.Error("ImportFollowers of a follower without an inbox succeeded")
	}
	if n, err := b.FollowerCount("blog"); err != nil || n != 3 {
		t.Errorf("FollowerCount = %d, %v; want 3 (a failed import adds nobody)", n, err)
	}
	if n, err := b.FollowerCount("other"); err != nil || n != 0 {
		t.Errorf("FollowerCount(other) = %d, %v; want 0", n, err)
	}
}
