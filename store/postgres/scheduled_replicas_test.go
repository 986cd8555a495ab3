package postgres_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"herald/store"
)

// TestScheduledReplicas: two processes (two stores on one database) that
// find the same scheduled posts due and publish them at once publish each
// once: the second's transaction finds the scheduled row gone, fails with
// ErrNotFound and stores nothing. Both make a post of the same time, as
// replicas publishing one post at once do.
func TestScheduledReplicas(t *testing.T) {
	replicas := openReplicas(t)
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	const posts = 10
	for i := range posts {
		st := store.ScheduledStatus{ID: uint64(i + 1), Handle: "news", ScheduledAt: t0, Text: "due", Visibility: store.VisibilityPublic, Created: t0}
		if err := replicas[0].AddScheduledStatus(st); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	published := 0
	for r := range 2 {
		for i := range posts {
			wg.Go(func() {
				id := uint64(t0.UnixMilli())<<16 | uint64(r*posts+i+1)
				obj := fmt.Sprintf("https://h.example/users/news/posts/%d", id)
				st := store.LocalStatus{ID: id, Handle: "news", ObjectID: obj, ActivityID: obj + "/activity", Visibility: store.VisibilityPublic,
					Text: "due", Created: t0.Add(time.Duration(i) * time.Millisecond), Scheduled: uint64(i + 1)}
				_, _, err := replicas[r].PublishStatus(st, store.Document{ID: obj, JSON: []byte("{}")}, store.Document{ID: obj + "/activity", JSON: []byte("{}")}, t0)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					published++
				default:
					if !errors.Is(err, store.ErrNotFound) {
						t.Errorf("PublishStatus: %v", err)
					}
				}
			})
		}
	}
	wg.Wait()
	list, err := replicas[1].LocalStatuses("news")
	if published != posts || err != nil || len(list) != posts {
		t.Errorf("published %d, stored %d (%v); want %d each", published, len(list), err, posts)
	}
	if due, err := replicas[1].DueScheduledStatuses(t0, 100); err != nil || len(due) != 0 {
		t.Errorf("still due: %d, %v", len(due), err)
	}
}
