package store

import (
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

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
