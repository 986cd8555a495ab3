package store

import (
	"slices"
	"testing"
)

func TestFollowersSorted(t *testing.T) {
	db := openTestDB(t)
	if got, err := db.Followers("blog"); err != nil || got != nil {
		t.Errorf("Followers of nobody = %v, %v", got, err)
	}
	if n, err := db.FollowerCount("blog"); err != nil || n != 0 {
		t.Errorf("FollowerCount of nobody = %d, %v", n, err)
	}
	ids := []string{"https://z.example/u", "https://a.example/u", "https://m.example/u", "https://a.example/t"}
	for _, id := range ids {
		addFollowers(t, db, Follower{ID: id, Inbox: id + "/inbox"})
	}
	got, err := db.Followers("blog")
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []string
	for _, f := range got {
		gotIDs = append(gotIDs, f.ID)
	}
	want := slices.Sorted(slices.Values(ids))
	if !slices.Equal(gotIDs, want) {
		t.Errorf("Followers = %v, want %v", gotIDs, want)
	}
	if n, err := db.FollowerCount("blog"); err != nil || n != len(want) {
		t.Errorf("FollowerCount = %d, %v; want %d", n, err, len(want))
	}
	if n, err := db.FollowerCount("other"); err != nil || n != 0 {
		t.Errorf("FollowerCount(other) = %d, %v; want 0", n, err)
	}
}

// addFollowers adds fs as followers of "blog".
func addFollowers(t *testing.T, db *testDB, fs ...Follower) {
	t.Helper()
	for _, f := range fs {
		if _, err := db.AddFollower("blog", f, doc("https://h.example/accept"), t0); err != nil {
			t.Fatal(err)
		}
	}
}
