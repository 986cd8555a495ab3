package store

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Job is one pending delivery: one activity to one inbox.
type Job struct {
	// ActivityID names the stored activity to send.
	ActivityID string `json:"activity_id"`
	// Inbox is the URL to POST to.
	Inbox string `json:"inbox"`
	// Handle is the local actor that signs the request.
	Handle string `json:"handle"`
	// Attempts counts the failed attempts so far.
	Attempts int `json:"attempts"`
	// NextAttempt is when the job is due.
	NextAttempt time.Time `json:"next_attempt"`
	// LastError describes the last failure.
	LastError string `json:"last_error,omitempty"`
	// Created is when the job was queued.
	Created time.Time `json:"created"`
}

// jobKey sorts jobs by due time; the activity id and inbox make it unique.
func jobKey(j Job) []byte {
	k := timeKey(j.NextAttempt)
	k = append(k, j.ActivityID...)
	k = append(k, 0)
	return append(k, j.Inbox...)
}

func putJob(tx *bolt.Tx, j Job) error {
	if err := checkKeyTime("next attempt", j.NextAttempt); err != nil {
		return err
	}
	return putJSON(tx.Bucket(bucketDeliveries), jobKey(j), j)
}

// DueJobs returns up to limit jobs due at now, earliest first, passing over
// those for which skip returns true (for example, jobs already in flight).
func (s *Store) DueJobs(now time.Time, limit int, skip func(Job) bool) ([]Job, error) {
	var jobs []Job
	end := timeKey(clampKeyTime(now))
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDeliveries).Cursor()
		for k, v := c.First(); k != nil && len(jobs) < limit && bytes.Compare(k[:8], end) <= 0; k, v = c.Next() {
			var j Job
			if err := decodeJSON(k, v, &j); err != nil {
				return err
			}
			if skip == nil || !skip(j) {
				jobs = append(jobs, j)
			}
		}
		return nil
	})
	return jobs, err
}

// NextDue returns when the earliest job is due; ok is false when the queue is empty.
func (s *Store) NextDue() (at time.Time, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketDeliveries).Cursor().First()
		if k != nil {
			at, ok = keyTime(k), true
		}
		return nil
	})
	return at, ok, err
}

// FinishJob removes a job that is done (delivered, or failed for good).
func (s *Store) FinishJob(j Job) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDeliveries).Delete(jobKey(j))
	})
}

// RetryJob records a failed attempt and moves j to next. It returns the
// updated job. It fails with ErrNotFound, queuing nothing, when j is no
// longer queued (finished or already moved), so that a stale copy of a job
// cannot bring it back or duplicate it.
func (s *Store) RetryJob(j Job, next time.Time, lastErr string) (Job, error) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDeliveries)
		if b.Get(jobKey(j)) == nil {
			return ErrNotFound
		}
		if err := b.Delete(jobKey(j)); err != nil {
			return err
		}
		j.Attempts++
		j.NextAttempt = next
		j.LastError = lastErr
		return putJob(tx, j)
	})
	if err != nil {
		return j, fmt.Errorf("reschedule delivery of %s to %s: %w", j.ActivityID, j.Inbox, err)
	}
	return j, nil
}

// PendingJobs returns how many deliveries are queued.
func (s *Store) PendingJobs() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketDeliveries).Stats().KeyN
		return nil
	})
	return n, err
}

// clampKeyTime returns the time nearest to t that timeKey can encode.
func clampKeyTime(t time.Time) time.Time {
	switch {
	case t.Before(minKeyTime):
		return minKeyTime
	case t.After(maxKeyTime):
		return maxKeyTime
	}
	return t
}
