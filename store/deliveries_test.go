package store

import (
	"errors"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// queueJobs puts jobs straight into the queue.
func queueJobs(t *testing.T, db *testDB, jobs ...Job) {
	t.Helper()
	err := db.db.Update(func(tx *bolt.Tx) error {
		for _, j := range jobs {
			if _, err := putJob(tx, j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func testJob(activity string, next time.Time) Job {
	return Job{ActivityID: activity, Inbox: "https://a.example/inbox", Handle: "blog", NextAttempt: next, Created: t0.Add(-time.Hour)}
}

// TestRetryJobReopen: the retries of a job are in the file: after a
// reopen it has its attempts and is due at its last time. (What RetryJob
// does is in the contract, store/storetest.)
func TestRetryJobReopen(t *testing.T) {
	db := openTestDB(t)
	j := testJob("a", t0)
	queueJobs(t, db, j)
	for attempt := 1; attempt <= 2; attempt++ {
		got, err := db.RetryJob(j, t0.Add(time.Duration(attempt)*time.Hour), "503 Service Unavailable")
		if err != nil {
			t.Fatalf("attempt %d: RetryJob: %v", attempt, err)
		}
		j = got
	}
	db.reopen()
	if due, _ := db.DueJobs(t0.Add(2*time.Hour-time.Nanosecond), 10, nil); len(due) != 0 {
		t.Errorf("after reopen, due before its time: %+v", due)
	}
	if due, _ := db.DueJobs(t0.Add(2*time.Hour), 10, nil); len(due) != 1 || due[0].Attempts != 2 {
		t.Errorf("after reopen: %+v, want the job with 2 attempts", due)
	}
}

func TestRetryJobGone(t *testing.T) {
	tests := []struct {
		name string
		gone func(db *testDB, j Job) Job // returns the stale copy to retry
	}{
		{"finished", func(db *testDB, j Job) Job {
			if err := db.FinishJob(j); err != nil {
				t.Fatal(err)
			}
			return j
		}},
		{"already moved", func(db *testDB, j Job) Job {
			if _, err := db.RetryJob(j, t0.Add(time.Hour), "first"); err != nil {
				t.Fatal(err)
			}
			return j
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t)
			j := testJob("a", t0)
			queueJobs(t, db, j)
			stale := tt.gone(db, j)
			before, _ := db.PendingJobs()
			if _, err := db.RetryJob(stale, t0.Add(2*time.Hour), "second"); !errors.Is(err, ErrNotFound) {
				t.Errorf("RetryJob of a stale job: %v, want ErrNotFound", err)
			}
			if n, _ := db.PendingJobs(); n != before {
				t.Errorf("PendingJobs = %d, want %d", n, before)
			}
		})
	}
}

func TestPutJobRejectsZeroTime(t *testing.T) {
	db := openTestDB(t)
	f := Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"}
	if _, err := db.AddFollower("blog", f, doc("accept"), time.Time{}); err == nil {
		t.Error("AddFollower with a zero now succeeded")
	}
	if n, _ := db.FollowerCount("blog"); n != 0 {
		t.Errorf("FollowerCount = %d after a failed AddFollower, want 0", n)
	}
}
