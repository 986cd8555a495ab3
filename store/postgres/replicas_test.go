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

// TestCommitPollReplicas: two processes (two stores on one database)
// committing the same poll of one feed at once store each post once, at
// its own outbox position, and queue each delivery once.
func TestCommitPollReplicas(t *testing.T) {
	replicas := openReplicas(t)
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

// openReplicas opens two stores on one fresh database, as two processes
// would.
func openReplicas(t *testing.T) [2]*postgres.Store {
	t.Helper()
	url := pgtest.Database(t)
	var replicas [2]*postgres.Store
	for i := range replicas {
		s, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		replicas[i] = s
	}
	return replicas
}

// inboxes is the fan-out of the replica tests: blog's followers, each on
// a host of its own.
const inboxes = 400

// queueFanOut gives blog its followers (through the first replica) and
// queues activity to them (through the second), at the time it returns.
func queueFanOut(t *testing.T, replicas [2]*postgres.Store, activity store.Document) time.Time {
	t.Helper()
	var followers []store.Follower
	for i := range inboxes {
		id := fmt.Sprintf("https://h%03d.example/u/1", i)
		followers = append(followers, store.Follower{ID: id, Inbox: id + "/inbox"})
	}
	if _, err := replicas[0].ImportFollowers("blog", followers); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	if n, err := replicas[1].QueueActivity("blog", activity, t0); err != nil || n != inboxes {
		t.Fatalf("QueueActivity = %d, %v", n, err)
	}
	return t0
}

// TestOutcomesAndFollowsReplicas: two processes record the outcomes of
// one fan-out, each job by both at once (as when a lease runs out while
// the first is still sending), while both accept Follows: every outcome
// counts once, none is lost, and every follower is added once.
func TestOutcomesAndFollowsReplicas(t *testing.T) {
	replicas := openReplicas(t)
	activity := store.Document{ID: "https://h.example/blog/move", JSON: []byte("{}")}
	t0 := queueFanOut(t, replicas, activity)
	jobs, err := replicas[0].DueJobs(t0, inboxes, nil)
	if err != nil || len(jobs) != inboxes {
		t.Fatalf("DueJobs = %d jobs, %v", len(jobs), err)
	}
	var wg sync.WaitGroup
	var gone, news atomic.Int64
	for i, j := range jobs {
		o := store.Outcome{Job: j, Kind: []store.OutcomeKind{store.Retry, store.Failed, store.Delivered, store.Delivered}[i%4],
			Next: t0.Add(time.Hour), Error: "boom", Host: &store.HostState{Host: "shared.example", State: "ok"}}
		for _, r := range replicas {
			wg.Go(func() { recordOutcome(t, r, o, &gone) })
		}
		if i%4 == 0 { // 100 Follows, each sent to both replicas
			f := store.Follower{ID: fmt.Sprintf("https://new.example/u/%d", i), Inbox: "https://new.example/inbox", Since: t0}
			for k, r := range replicas {
				accept := store.Document{ID: fmt.Sprintf("%s/accept/%d", f.ID, k), JSON: []byte("{}")}
				wg.Go(func() { addFollower(t, r, f, accept, t0, &news) })
			}
		}
	}
	wg.Wait()
	checkReplicaCounts(t, replicas[1], activity.ID, inboxes, gone.Load(), news.Load())
}

// recordOutcome records o on r, counting in gone the jobs already taken.
func recordOutcome(t *testing.T, r *postgres.Store, o store.Outcome, gone *atomic.Int64) {
	_, err := r.Record(o)
	if errors.Is(err, store.ErrNotFound) {
		gone.Add(1)
	} else if err != nil {
		t.Error(err)
	}
}

// addFollower adds f to "blog" on r, counting in news the new followers.
func addFollower(t *testing.T, r *postgres.Store, f store.Follower, accept store.Document, now time.Time, news *atomic.Int64) {
	isNew, err := r.AddFollower("blog", f, accept, now)
	if err != nil {
		t.Error(err)
	}
	if isNew {
		news.Add(1)
	}
}

// checkReplicaCounts checks what TestOutcomesAndFollowsReplicas left.
func checkReplicaCounts(t *testing.T, s *postgres.Store, activityID string, inboxes int, gone, news int64) {
	t.Helper()
	if gone != int64(inboxes) {
		t.Errorf("%d outcomes found their job gone, want %d (one of each pair)", gone, inboxes)
	}
	want := store.ActivityStats{Queued: inboxes, Delivered: inboxes / 2, Failed: inboxes / 4, LastError: "boom"}
	if st, _, err := s.DeliveryStats(activityID); err != nil || st != want {
		t.Errorf("DeliveryStats = %+v, %v; want %+v", st, err, want)
	}
	if news != int64(inboxes/4) {
		t.Errorf("%d Follows were new, want %d", news, inboxes/4)
	}
	if n, err := s.FollowerCount("blog"); err != nil || n != inboxes+inboxes/4 {
		t.Errorf("FollowerCount = %d, %v; want %d", n, err, inboxes+inboxes/4)
	}
	// The retried jobs, once each, and two Accepts per new follower (one
	// per replica, each its own activity, to the same inbox).
	if n, err := s.PendingJobs(); err != nil || n != inboxes/4+inboxes/2 {
		t.Errorf("PendingJobs = %d, %v; want %d", n, err, inboxes/4+inboxes/2)
	}
	if hosts, err := s.Hosts(); err != nil || len(hosts) != 1 {
		t.Errorf("Hosts = %+v, %v", hosts, err)
	}
}

// TestClaimJobsReplicas: two processes, each with several dispatchers,
// claiming the due jobs of one fan-out at once get every job exactly once.
func TestClaimJobsReplicas(t *testing.T) {
	replicas := openReplicas(t)
	t0 := queueFanOut(t, replicas, store.Document{ID: "https://h.example/blog/note/create", JSON: []byte("{}")})
	var mu sync.Mutex
	claimed := map[string]int{}
	var wg sync.WaitGroup
	for i := range 8 {
		owner := fmt.Sprintf("replica-%d", i%2)
		wg.Go(func() {
			for {
				jobs, _, err := replicas[i%2].ClaimJobs(owner, t0, t0.Add(time.Minute), 16, nil)
				if err != nil {
					t.Error(err)
					return
				}
				if len(jobs) == 0 {
					return
				}
				mu.Lock()
				for _, j := range jobs {
					claimed[j.Inbox]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != inboxes {
		t.Errorf("%d jobs claimed, want %d", len(claimed), inboxes)
	}
	for inbox, n := range claimed {
		if n != 1 {
			t.Errorf("%s claimed %d times", inbox, n)
		}
	}
}

// TestOutboxPositionsReplicas: two processes publishing different posts
// written in apps for one account at the same time at once each get their
// own outbox positions (the later one a nanosecond on), never a unique-key
// error.
func TestOutboxPositionsReplicas(t *testing.T) {
	replicas := openReplicas(t)
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for r := range 2 {
		wg.Go(func() {
			for i := range 15 {
				id := uint64(r*100 + i + 1)
				obj := fmt.Sprintf("https://h.example/users/news/posts/%d", id)
				st := store.LocalStatus{ID: id, Handle: "news", ObjectID: obj, ActivityID: obj + "/activity", Visibility: store.VisibilityPublic, Text: "hi", Created: t0}
				if _, _, err := replicas[r].PublishStatus(st, store.Document{ID: obj, JSON: []byte("{}")}, store.Document{ID: obj + "/activity", JSON: []byte("{}")}, t0); err != nil {
					t.Errorf("replica %d, post %d: %v", r, i, err)
				}
			}
		})
	}
	wg.Wait()
	if _, total, err := replicas[0].Outbox("news", time.Time{}, 0); err != nil || total != 30 {
		t.Errorf("outbox total = %d, %v; want 30", total, err)
	}
}
