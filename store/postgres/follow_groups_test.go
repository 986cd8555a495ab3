package postgres_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"herald/store"
)

// TestAddFollowerReplicas: two processes (two stores on one database,
// each with its group commit) take Follows at once, every follower
// following through both (a repeated Follow, one to each replica): each
// follower is new to exactly one, every Follow's Accept is queued and
// counted once, and the follower count is exact.
func TestAddFollowerReplicas(t *testing.T) {
	replicas := openReplicas(t)
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	const followers = 60
	var news atomic.Int32
	var wg sync.WaitGroup
	for i := range 2 * followers {
		id := fmt.Sprintf("https://a%d.example/u", i%followers)
		f := store.Follower{ID: id, Inbox: id + "/inbox", FollowID: fmt.Sprintf("%s#follow-%d", id, i), Since: t0}
		accept := store.Document{ID: fmt.Sprintf("https://h.example/accept/%d", i), JSON: []byte(`{}`)}
		wg.Go(func() {
			isNew, err := replicas[i%2].AddFollower("blog", f, accept, t0)
			if err != nil {
				t.Errorf("follow %d: %v", i, err)
			}
			if isNew {
				news.Add(1)
			}
		})
	}
	wg.Wait()
	if n := news.Load(); n != followers {
		t.Errorf("%d Follows were new, want %d (each follower once)", n, followers)
	}
	if n, err := replicas[0].FollowerCount("blog"); err != nil || n != followers {
		t.Errorf("FollowerCount = %d, %v; want %d", n, err, followers)
	}
	if n, err := replicas[1].PendingJobs(); err != nil || n != 2*followers {
		t.Errorf("PendingJobs = %d, %v; want an Accept for each of the %d Follows", n, err, 2*followers)
	}
	for i := range 2 * followers {
		st, _, err := replicas[i%2].DeliveryStats(fmt.Sprintf("https://h.example/accept/%d", i))
		if err != nil || st.Queued != 1 {
			t.Errorf("Accept %d: stats %+v, %v; want one queued", i, st, err)
		}
	}
}

// TestAddFollowerAfterClose: a Follow after Close fails and stores
// nothing (the group commit is stopped).
func TestAddFollowerAfterClose(t *testing.T) {
	replicas := openReplicas(t)
	replicas[0].Close()
	f := store.Follower{ID: "https://a.example/u", Inbox: "https://a.example/u/inbox"}
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	if _, err := replicas[0].AddFollower("blog", f, store.Document{ID: "https://h.example/accept", JSON: []byte(`{}`)}, t0); err == nil {
		t.Error("AddFollower after Close succeeded")
	}
	if n, err := replicas[1].FollowerCount("blog"); err != nil || n != 0 {
		t.Errorf("FollowerCount = %d, %v; want 0", n, err)
	}
}
