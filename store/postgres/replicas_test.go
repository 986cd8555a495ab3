package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"herald/pgtest"
	"herald/store"
	"herald/store/postgres"
)

// TestCommitPollReplicas: two processes (two stores on one database)
// committing the same poll of one feed at once store each post once, at
// its own outbox position, and queue each delivery once.
func TestCommitPollReplicas(t *testing.T) {
	url := pgtest.Database(t)
	var replicas [2]*postgres.Store
	for i := range replicas {
		s, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		replicas[i] = s
	}
	followers := []store.Follower{
		{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox"},
		{ID: "https://b.example/u/1", Inbox: "https://b.example/u/1/inbox"},
	}
	if _, err := replicas[0].ImportFollowers("blog", followers); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var posts []store.Post
	for i := range 20 { // one time for all: they contend for outbox positions
		obj := fmt.Sprintf("https://h.example/blog/notes/%d", i)
		posts = append(posts, store.Post{Item: store.SeenItem{Key: fmt.Sprint(i), ObjectID: obj, Hash: "h", Published: t0},
			Object: store.Document{ID: obj, JSON: []byte("{}")}, Activity: store.Document{ID: obj + "/create", JSON: []byte("{}")}, At: t0})
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	queued := 0
	for i := range 8 {
		wg.Go(func() {
			n, err := replicas[i%2].ApplyPoll("blog", store.FeedState{Initialised: true}, posts, true, t0)
			if err != nil {
				t.Errorf("ApplyPoll %d: %v", i, err)
			}
			mu.Lock()
			queued += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if want := len(posts) * len(followers); queued != want {
		t.Errorf("queued %d jobs in all, want %d", queued, want)
	}
	if n, err := replicas[1].PendingJobs(); err != nil || n != len(posts)*len(followers) {
		t.Errorf("PendingJobs = %d, %v", n, err)
	}
	entries, total, err := replicas[1].Outbox("blog", time.Time{}, 100)
	if err != nil || total != len(posts) || len(entries) != len(posts) {
		t.Errorf("outbox: %d entries, total %d, %v; want %d", len(entries), total, err, len(posts))
	}
}
