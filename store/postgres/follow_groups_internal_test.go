package postgres

import (
	"context"
	"testing"
	"time"

	"herald/pgtest"
	"herald/store"
)

// followCase is one Follow of the group TestCommitFollowsGroup commits,
// with what AddFollower must return for it.
type followCase struct {
	name    string
	id      string // the follower; accept names its Accept
	accept  string
	isNew   bool
	wantErr bool
}

// TestCommitFollowsGroup commits one group by hand: new followers, one
// already following (not new, keeps its Since), the same follower twice
// (new once), an Accept named twice, and one Follow that fails (no
// follower id), which fails alone while the others are committed.
func TestCommitFollowsGroup(t *testing.T) {
	s, err := Open(context.Background(), pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	old := store.Follower{ID: "https://a.example/u/old", Inbox: "https://a.example/u/old/inbox", Since: t0.Add(-time.Hour)}
	if _, err := s.ImportFollowers("blog", []store.Follower{old}); err != nil {
		t.Fatal(err)
	}
	cases := []followCase{
		{"new", "https://a.example/u/1", "accept/1", true, false},
		{"already following", old.ID, "accept/old", false, false},
		{"new, twice", "https://a.example/u/2", "accept/2", true, false},
		{"new, twice, again", "https://a.example/u/2", "accept/2b", false, false},
		{"the same Accept as another", "https://a.example/u/3", "accept/1", true, false},
		{"no follower id", "", "accept/bad", false, true},
	}
	group := make([]followRequest, len(cases))
	for i, c := range cases {
		f := store.Follower{ID: c.id, Inbox: c.id + "/inbox", FollowID: c.id + "#follow", Since: t0}
		accept := store.Document{ID: "https://h.example/" + c.accept, JSON: []byte(`{}`)}
		group[i] = followRequest{handle: "blog", f: f, accept: accept, now: t0, done: make(chan followResult, 1)}
	}
	s.commitFollows(group)
	for i, c := range cases {
		res := <-group[i].done
		if res.isNew != c.isNew || (res.err != nil) != c.wantErr {
			t.Errorf("%s: isNew %t, error %v; want %t, error %t", c.name, res.isNew, res.err, c.isNew, c.wantErr)
		}
	}
	checkFollowsGroup(t, s, old, t0)
}

// checkFollowsGroup checks what TestCommitFollowsGroup's group left: four
// followers, old still with its Since and now its new Follow, and one
// Accept job per stored Follow.
func checkFollowsGroup(t *testing.T, s *Store, old store.Follower, t0 time.Time) {
	t.Helper()
	followers, err := s.Followers("blog")
	if err != nil || len(followers) != 4 {
		t.Fatalf("followers %+v, %v; want 4", followers, err)
	}
	for _, f := range followers {
		if f.ID == old.ID && (!f.Since.Equal(old.Since) || f.FollowID != old.ID+"#follow") {
			t.Errorf("the follower already there became %+v", f)
		}
	}
	if n, err := s.PendingJobs(); err != nil || n != 5 {
		t.Errorf("PendingJobs = %d, %v; want 5 (accept/1 to two inboxes, old, 2, 2b)", n, err)
	}
	for id, queued := range map[string]int{"accept/1": 2, "accept/2b": 1, "accept/old": 1, "accept/bad": 0} {
		st, _, err := s.DeliveryStats("https://h.example/" + id)
		if err != nil || st.Queued != queued {
			t.Errorf("stats of %s: %+v, %v; want %d queued", id, st, err, queued)
		}
	}
	if _, err := s.Document("https://h.example/accept/bad"); err == nil {
		t.Error("the failed Follow's Accept was stored")
	}
}
