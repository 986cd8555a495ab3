package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestPutJobIdempotent: queueing the same (activity, inbox) twice, even at
// another time, keeps one job and counts it once.
func TestPutJobIdempotent(t *testing.T) {
	db := openTestDB(t)
	j := testJob("a", t0)
	later := j
	later.NextAttempt = t0.Add(time.Hour)
	queueJobs(t, db, j, later, j)
	if n, _ := db.PendingJobs(); n != 1 {
		t.Fatalf("PendingJobs = %d, want 1", n)
	}
	if due, _ := db.DueJobs(maxKeyTime, 10, nil); len(due) != 1 || !due[0].NextAttempt.Equal(t0) {
		t.Fatalf("DueJobs = %+v, want the first job only", due)
	}
	if st, _, _ := db.DeliveryStats("a"); st.Queued != 1 {
		t.Errorf("Queued = %d, want 1", st.Queued)
	}
	if err := db.FinishJob(j); err != nil {
		t.Fatal(err)
	}
	queueJobs(t, db, later) // delivered: a new job may be queued again
	if n, _ := db.PendingJobs(); n != 1 {
		t.Errorf("PendingJobs after requeue = %d, want 1", n)
	}
}

// TestIndexRebuiltOnOpen: a queue written before the index existed (and
// holding two jobs for one pair) is indexed at Open, keeping the earliest.
func TestIndexRebuiltOnOpen(t *testing.T) {
	db := openTestDB(t)
	a1, a2, b := testJob("a", t0), testJob("a", t0.Add(time.Hour)), testJob("b", t0)
	err := db.db.Update(func(tx *bolt.Tx) error {
		for _, j := range []Job{a1, a2, b} {
			if err := putJSON(tx.Bucket(bucketDeliveries), jobKey(j), j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.reopen()
	due, err := db.DueJobs(maxKeyTime, 10, nil)
	if err != nil || len(due) != 2 || !due[0].NextAttempt.Equal(t0) || !due[1].NextAttempt.Equal(t0) {
		t.Fatalf("DueJobs = %+v, %v; want a and b at t0", due, err)
	}
	if _, err := db.RetryJob(a1, t0.Add(time.Minute), "x"); err != nil {
		t.Errorf("RetryJob of an indexed job: %v", err)
	}
}

func TestRecordOutcomes(t *testing.T) {
	tests := []struct {
		name string
		kind OutcomeKind
		want ActivityStats
		left int
	}{
		{"delivered", Delivered, ActivityStats{Queued: 2, Delivered: 1}, 1},
		{"failed", Failed, ActivityStats{Queued: 2, Failed: 1, LastError: "HTTP 400"}, 1},
		{"retry", Retry, ActivityStats{Queued: 2}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t)
			j := testJob("a", t0)
			other := j
			other.Inbox = "https://b.example/inbox"
			queueJobs(t, db, j, other)
			host := &HostState{Host: "a.example", State: "failing", Failures: 1, LastError: "HTTP 400"}
			if _, err := db.Record(Outcome{Job: j, Kind: tt.kind, Next: t0.Add(time.Hour), Error: "HTTP 400", Host: host}); err != nil {
				t.Fatal(err)
			}
			st, found, err := db.DeliveryStats("a")
			if err != nil || !found || st != tt.want {
				t.Errorf("DeliveryStats = %+v, %t, %v; want %+v", st, found, err, tt.want)
			}
			if st.Pending() != tt.left {
				t.Errorf("Pending = %d, want %d", st.Pending(), tt.left)
			}
			if n, _ := db.PendingJobs(); n != tt.left {
				t.Errorf("PendingJobs = %d, want %d", n, tt.left)
			}
			hosts, err := db.Hosts()
			if err != nil || hosts["a.example"] != *host {
				t.Errorf("Hosts = %+v, %v", hosts, err)
			}
			if _, err := db.Record(Outcome{Job: j, Kind: Delivered}); tt.kind != Retry && !errors.Is(err, ErrNotFound) {
				t.Errorf("second Record of a finished job: %v, want ErrNotFound", err)
			}
		})
	}
}

// TestRecordConcurrent: many concurrent outcomes (committed in batches)
// all land, each counted once.
func TestRecordConcurrent(t *testing.T) {
	db := openTestDB(t)
	var jobs []Job
	for i := range 200 {
		j := testJob("a", t0)
		j.Inbox = fmt.Sprintf("https://h%d.example/inbox", i)
		jobs = append(jobs, j)
	}
	queueJobs(t, db, jobs...)
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			kind := Delivered
			if i%4 == 0 {
				kind = Retry
			}
			if _, err := db.Record(Outcome{Job: j, Kind: kind, Next: t0.Add(time.Hour)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	st, _, _ := db.DeliveryStats("a")
	if st.Delivered != 150 || st.Pending() != 50 {
		t.Errorf("stats = %+v, want 150 delivered, 50 pending", st)
	}
	if n, _ := db.PendingJobs(); n != 50 {
		t.Errorf("PendingJobs = %d, want 50", n)
	}
}

func TestQueueStats(t *testing.T) {
	db := openTestDB(t)
	if q, err := db.QueueStats(t0); err != nil || q != (QueueStats{}) {
		t.Errorf("empty queue: %+v, %v", q, err)
	}
	a, b, c := testJob("a", t0.Add(-time.Minute)), testJob("b", t0.Add(time.Hour)), testJob("c", t0)
	c.Created = t0.Add(-3 * time.Hour)
	queueJobs(t, db, a, b, c)
	q, err := db.QueueStats(t0)
	if err != nil {
		t.Fatal(err)
	}
	want := QueueStats{Depth: 3, Due: 2, OldestCreated: t0.Add(-3 * time.Hour), NextDue: t0.Add(-time.Minute)}
	if !q.OldestCreated.Equal(want.OldestCreated) || !q.NextDue.Equal(want.NextDue) || q.Depth != want.Depth || q.Due != want.Due {
		t.Errorf("QueueStats = %+v, want %+v", q, want)
	}
	if age := q.OldestAge(t0); age != 3*time.Hour {
		t.Errorf("OldestAge = %s, want 3h", age)
	}
}

func TestDueJobsFunc(t *testing.T) {
	db := openTestDB(t)
	queueJobs(t, db, testJob("a", t0), testJob("b", t0), testJob("c", t0.Add(time.Hour)))
	due, err := db.DueJobsFunc(t0, 10, func(activityID, inbox []byte) bool {
		return string(activityID) == "a" && string(inbox) == "https://a.example/inbox"
	})
	if err != nil || len(due) != 1 || due[0].ActivityID != "b" {
		t.Errorf("DueJobsFunc = %+v, %v; want b", due, err)
	}
}

func TestImportFollowers(t *testing.T) {
	db := openTestDB(t)
	a := Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox"}
	b := Follower{ID: "https://b.example/u/2", Inbox: "https://b.example/u/2/inbox"}
	if n, err := db.ImportFollowers("blog", []Follower{a, b, a}); err != nil || n != 2 {
		t.Fatalf("ImportFollowers = %d, %v; want 2", n, err)
	}
	if n, _ := db.PendingJobs(); n != 0 {
		t.Errorf("import queued %d jobs", n)
	}
	if _, err := db.ImportFollowers("blog", []Follower{{ID: "https://c.example/u/3"}}); err == nil {
		t.Error("a follower without inbox was imported")
	}
	if n, _ := db.FollowerCount("blog"); n != 2 {
		t.Errorf("FollowerCount = %d, want 2 (a failed import changes nothing)", n)
	}
}
