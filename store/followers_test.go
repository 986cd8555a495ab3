package store

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestAddFollower(t *testing.T) {
	db := openTestDB(t)
	f := Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox", FollowID: "https://a.example/follow/1", Since: t0}
	steps := []struct {
		name   string
		follow Follower
		accept Document
		now    time.Time
		isNew  bool
	}{
		{"first follow", f, doc("https://h.example/accept/1"), t0, true},
		{"repeated follow", func() Follower {
			g := f
			g.FollowID, g.Since = "https://a.example/follow/2", t0.Add(time.Hour)
			return g
		}(), doc("https://h.example/accept/2"), t0.Add(time.Hour), false},
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			isNew, err := db.AddFollower("blog", st.follow, st.accept, st.now)
			if err != nil || isNew != st.isNew {
				t.Fatalf("AddFollower = %t, %v; want %t", isNew, err, st.isNew)
			}
			want := st.follow
			want.Since = t0 // the first acceptance
			if got, err := db.Followers("blog"); err != nil || !reflect.DeepEqual(got, []Follower{want}) {
				t.Errorf("Followers = %+v, %v; want %+v", got, err, want)
			}
			if got, err := db.Document(st.accept.ID); err != nil || string(got) != string(st.accept.JSON) {
				t.Errorf("Accept document = %s, %v", got, err)
			}
			jobs, err := db.DueJobs(st.now, 10, nil)
			if err != nil || len(jobs) != i+1 {
				t.Fatalf("DueJobs = %+v, %v; want %d jobs", jobs, err, i+1)
			}
			want2 := Job{ActivityID: st.accept.ID, Inbox: f.Inbox, Handle: "blog", NextAttempt: st.now, Created: st.now}
			if got := jobs[i]; !reflect.DeepEqual(got, want2) {
				t.Errorf("Accept job = %+v, want %+v (to the personal inbox)", got, want2)
			}
		})
	}
	if n, err := db.FollowerCount("blog"); err != nil || n != 1 {
		t.Errorf("FollowerCount = %d, %v; want 1", n, err)
	}
}

func TestRemoveFollower(t *testing.T) {
	db := openTestDB(t)
	addFollowers(t, db, Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"})
	tests := []struct {
		name, handle, id string
		want             bool
	}{
		{"follower", "blog", "https://a.example/u/1", true},
		{"already removed", "blog", "https://a.example/u/1", false},
		{"never followed", "blog", "https://b.example/u/1", false},
		{"unknown handle", "nobody", "https://a.example/u/1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := db.RemoveFollower(tt.handle, tt.id); err != nil || got != tt.want {
				t.Errorf("RemoveFollower = %t, %v; want %t", got, err, tt.want)
			}
		})
	}
	if n, err := db.FollowerCount("blog"); err != nil || n != 0 {
		t.Errorf("FollowerCount = %d, %v; want 0", n, err)
	}
}

func TestRemoveFollowersAt(t *testing.T) {
	followers := []Follower{
		{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox"},
		{ID: "https://a.example/u/2", Inbox: "https://a.example/u/2/inbox", SharedInbox: "https://a.example/inbox"},
		{ID: "https://b.example/u/1", Inbox: "https://b.example/u/1/inbox"},
	}
	tests := []struct {
		name, inbox string
		want        []string
	}{
		{"shared inbox", "https://a.example/inbox", []string{"https://a.example/u/1", "https://a.example/u/2"}},
		{"personal inbox with a shared one", "https://a.example/u/2/inbox", []string{"https://a.example/u/2"}},
		{"personal inbox", "https://b.example/u/1/inbox", []string{"https://b.example/u/1"}},
		{"no match", "https://c.example/inbox", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t)
			addFollowers(t, db, followers...)
			got, err := db.RemoveFollowersAt("blog", tt.inbox)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("RemoveFollowersAt = %v, %v; want %v", got, err, tt.want)
			}
			left, err := db.Followers("blog")
			if err != nil || len(left) != len(followers)-len(tt.want) {
				t.Errorf("%d followers left, %v; want %d", len(left), err, len(followers)-len(tt.want))
			}
			for _, f := range left {
				if slices.Contains(tt.want, f.ID) {
					t.Errorf("%s still follows", f.ID)
				}
			}
		})
	}
	db := openTestDB(t)
	if got, err := db.RemoveFollowersAt("nobody", "https://a.example/inbox"); err != nil || got != nil {
		t.Errorf("RemoveFollowersAt(unknown handle) = %v, %v", got, err)
	}
}

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
