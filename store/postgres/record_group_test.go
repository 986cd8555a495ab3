package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"herald/pgtest"
	"herald/store"
	"herald/store/postgres"
)

// groupKinds are the outcomes TestRecordGroupRepeats gives job i, by i%4.
var groupKinds = []store.OutcomeKind{store.Delivered, store.Delivered, store.Failed, store.Retry}

// repeatsOf returns the outcomes TestRecordGroupRepeats records for job
// i: its owner's twice, for every third job one by a replica whose claim
// was taken over, and for every fifth one from a stale copy (the job as
// due a minute later) by its owner.
func repeatsOf(i int, j store.Job) []store.Outcome {
	o := store.Outcome{Job: j, Kind: groupKinds[i%4], Next: j.NextAttempt.Add(time.Hour), Error: "HTTP 500", Owner: "owner"}
	out := []store.Outcome{o, o}
	if i%3 == 0 {
		stale := o
		stale.Owner = "stale"
		out = append(out, stale)
	}
	if i%5 == 0 {
		copied := o
		copied.Job.NextAttempt = j.NextAttempt.Add(time.Minute)
		out = append(out, copied)
	}
	return out
}

// TestRecordGroupRepeats: one process records the outcomes of a claimed
// fan-out all at once, several for each job (repeatsOf), so that one group
// holds several outcomes of one job. Each job's outcome is recorded once
// (the repeats and the stale copies find their job gone), the stale
// replica's never, and the counts are exact.
func TestRecordGroupRepeats(t *testing.T) {
	s, err := postgres.Open(context.Background(), pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const inboxes = 300
	jobs := claimedFanOut(t, s, "owner", inboxes)
	var recorded, gone, lost atomic.Int64
	var wg sync.WaitGroup
	for i, j := range jobs {
		for _, o := range repeatsOf(i, j) {
			wg.Go(func() {
				_, err := s.Record(o)
				switch {
				case err == nil:
					recorded.Add(1)
				case errors.Is(err, store.ErrNotFound):
					gone.Add(1)
				case errors.Is(err, store.ErrLeaseLost):
					lost.Add(1)
				default:
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	refused := inboxes + inboxes/3 + inboxes/5
	if recorded.Load() != inboxes || gone.Load()+lost.Load() != int64(refused) || lost.Load() > inboxes/3 {
		t.Errorf("%d outcomes recorded, %d found their job gone, %d lost their lease; want %d recorded, the %d others refused, at most %d for the lease",
			recorded.Load(), gone.Load(), lost.Load(), inboxes, refused, inboxes/3)
	}
	want := store.ActivityStats{Queued: inboxes, Delivered: inboxes / 2, Failed: inboxes / 4, LastError: "HTTP 500"}
	if st, _, err := s.DeliveryStats(jobs[0].ActivityID); err != nil || st != want {
		t.Errorf("DeliveryStats = %+v, %v; want %+v", st, err, want)
	}
	if n, err := s.PendingJobs(); err != nil || n != inboxes/4 {
		t.Errorf("PendingJobs = %d, %v; want the %d retried", n, err, inboxes/4)
	}
}

// claimedFanOut queues one activity for n followers' inboxes and claims
// every job for owner.
func claimedFanOut(t *testing.T, s *postgres.Store, owner string, n int) []store.Job {
	t.Helper()
	var followers []store.Follower
	for i := range n {
		id := fmt.Sprintf("https://h%03d.example/u/1", i)
		followers = append(followers, store.Follower{ID: id, Inbox: id + "/inbox"})
	}
	if _, err := s.ImportFollowers("blog", followers); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	if _, err := s.QueueActivity("blog", store.Document{ID: "https://h.example/blog/group", JSON: []byte("{}")}, t0); err != nil {
		t.Fatal(err)
	}
	jobs, _, err := s.ClaimJobs(owner, t0, t0.Add(time.Hour), n, nil)
	if err != nil || len(jobs) != n {
		t.Fatalf("ClaimJobs = %d jobs, %v; want %d", len(jobs), err, n)
	}
	return jobs
}
