package store

// The delivery queue.
//
// An activity is stored once, in the documents bucket, under its id. Each
// (activity, inbox) pair that must be delivered is one small Job; the inbox
// is already deduplicated when the job is queued (a server's shared inbox
// stands for all of its followers). Four buckets hold the queue:
//
//	deliveries      timeKey(next attempt) | activity id | 0x00 | inbox → Job JSON
//	delivery_index  activity id | 0x00 | inbox → the job's key in deliveries
//	delivery_stats  activity id → ActivityStats JSON (queued, delivered, failed)
//	hosts           host → HostState JSON (circuit breaker state, last error)
//
// deliveries sorts jobs by due time, so the due ones are a prefix of the
// bucket. delivery_index makes queueing idempotent: at most one job exists
// per (activity, inbox), and queueing the same pair again while its job is
// pending changes nothing. A job leaves the queue when it is delivered or
// given up; it is moved (deleted and put under its new due time, its index
// entry updated) when an attempt fails and will be retried. Every change to
// a job, its index entry, its activity's counts and its host's state is made
// in one transaction.
//
// A fan-out is written in one transaction (CommitPoll), and the outcomes
// of attempts are committed in groups (Record, through the store's group
// commit: see batch), so a large fan-out costs a few fsyncs, not one per
// inbox. A grouped write may run more than once; the functions here only
// read and write inside their transaction, which makes that harmless.

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// queueBuckets are the buckets that the queue adds to the top-level ones.
var (
	bucketDeliveryIndex = []byte("delivery_index") // activity id|0|inbox → key in deliveries
	bucketDeliveryStats = []byte("delivery_stats") // activity id → ActivityStats JSON
	bucketHosts         = []byte("hosts")          // host → HostState JSON
	queueBuckets        = [][]byte{bucketDeliveryIndex, bucketDeliveryStats, bucketHosts}
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
	// SignWith names the stored key to sign with instead of Handle's
	// current one ("" for that): a key rotation's Update is signed with the
	// previous key, which the followers' servers still know.
	SignWith string `json:"sign_with,omitempty"`
}

// jobKey sorts jobs by due time; the activity id and inbox make it unique.
func jobKey(j Job) []byte {
	return append(timeKey(j.NextAttempt), pairKey(j.ActivityID, j.Inbox)...)
}

// pairKey is the key of (activity, inbox) in delivery_index. Activity ids
// are URLs, which never contain a NUL byte.
func pairKey(activityID, inbox string) []byte {
	k := make([]byte, 0, len(activityID)+1+len(inbox))
	k = append(k, activityID...)
	k = append(k, 0)
	return append(k, inbox...)
}

// splitPair returns the activity id and inbox of a job key's pair part.
func splitPair(pair []byte) (activityID, inbox []byte) {
	i := bytes.IndexByte(pair, 0)
	if i < 0 {
		return pair, nil
	}
	return pair[:i], pair[i+1:]
}

// putJob queues j unless a job for the same (activity, inbox) is queued
// already; added tells which. A new job counts as queued in its activity's
// stats.
func putJob(tx *bolt.Tx, j Job) (added bool, err error) {
	queued, err := putJobs(tx, j, []string{j.Inbox})
	return queued == 1, err
}

// putJobs queues template's activity for each of inboxes (the template's
// own Inbox is ignored), as putJob does, and counts the new jobs in the
// activity's stats once: a fan-out to 10,000 inboxes updates them once,
// not 10,000 times. It returns how many jobs were new.
func putJobs(tx *bolt.Tx, template Job, inboxes []string) (queued int, err error) {
	for _, inbox := range inboxes {
		j := template
		j.Inbox = inbox
		added, err := insertJob(tx, j)
		if err != nil {
			return 0, err
		}
		if added {
			queued++
		}
	}
	if queued == 0 {
		return 0, nil
	}
	return queued, updateStats(tx, template.ActivityID, func(st *ActivityStats) { st.Queued += queued })
}

// insertJob writes j and its index entry unless its (activity, inbox) pair
// is queued already; it leaves the activity's stats alone.
func insertJob(tx *bolt.Tx, j Job) (added bool, err error) {
	if err := checkKeyTime("next attempt", j.NextAttempt); err != nil {
		return false, err
	}
	index := tx.Bucket(bucketDeliveryIndex)
	pair := pairKey(j.ActivityID, j.Inbox)
	if index.Get(pair) != nil {
		return false, nil
	}
	key := jobKey(j)
	if err := putJSON(tx.Bucket(bucketDeliveries), key, j); err != nil {
		return false, err
	}
	if err := index.Put(pair, key); err != nil {
		return false, err
	}
	return true, nil
}

// indexDeliveries builds delivery_index for a queue written before the
// index existed, dropping all but the earliest job of each (activity, inbox).
// It does nothing when every job is indexed already.
func indexDeliveries(tx *bolt.Tx) error {
	jobs, index := tx.Bucket(bucketDeliveries), tx.Bucket(bucketDeliveryIndex)
	if jobs.Stats().KeyN == index.Stats().KeyN {
		return nil
	}
	var extra [][]byte
	err := jobs.ForEach(func(k, _ []byte) error {
		pair := k[8:]
		if old := index.Get(pair); old != nil && !bytes.Equal(old, k) {
			extra = append(extra, append([]byte(nil), k...))
			return nil
		}
		return index.Put(append([]byte(nil), pair...), append([]byte(nil), k...))
	})
	if err != nil {
		return fmt.Errorf("index delivery queue: %w", err)
	}
	for _, k := range extra {
		if err := jobs.Delete(k); err != nil {
			return fmt.Errorf("index delivery queue: %w", err)
		}
	}
	return nil
}

// DueJobs returns up to limit jobs due at now, earliest first, passing over
// those for which skip returns true (for example, jobs already in flight).
func (s *Store) DueJobs(now time.Time, limit int, skip func(Job) bool) ([]Job, error) {
	var jobs []Job
	if limit <= 0 {
		return nil, nil
	}
	err := s.scanDue(now, nil, func(j Job) bool {
		if skip == nil || !skip(j) {
			jobs = append(jobs, j)
		}
		return len(jobs) < limit
	})
	return jobs, err
}

// DueJobsFunc is DueJobs with a cheaper filter: skip sees the activity id
// and inbox, read from the key, before the job is decoded. The byte slices
// are valid only during the call.
func (s *Store) DueJobsFunc(now time.Time, limit int, skip func(activityID, inbox []byte) bool) ([]Job, error) {
	var jobs []Job
	if limit <= 0 {
		return nil, nil
	}
	err := s.scanDue(now, skip, func(j Job) bool {
		jobs = append(jobs, j)
		return len(jobs) < limit
	})
	return jobs, err
}

// scanDue walks the jobs due at now, earliest first, passing over those
// whose key skip (if not nil) rejects without decoding them, and stops when
// next returns false.
func (s *Store) scanDue(now time.Time, skip func(activityID, inbox []byte) bool, next func(Job) bool) error {
	end := timeKey(clampKeyTime(now))
	return s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDeliveries).Cursor()
		for k, v := c.First(); k != nil && bytes.Compare(k[:8], end) <= 0; k, v = c.Next() {
			if skip != nil && skip(splitPair(k[8:])) {
				continue
			}
			var j Job
			if err := decodeJSON(k, v, &j); err != nil {
				return err
			}
			if !next(j) {
				return nil
			}
		}
		return nil
	})
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

// OutcomeKind says what became of one delivery attempt.
type OutcomeKind int

// Outcome kinds.
const (
	// Delivered: the peer accepted the activity; the job is removed.
	Delivered OutcomeKind = iota + 1
	// Failed: the job is given up (rejected for good, gone, or out of
	// tries); it is removed and counted as failed.
	Failed
	// Retry: the job stays queued, due again at Outcome.Next.
	Retry
)

// Outcome is the result of one attempt at a job, recorded by Record.
type Outcome struct {
	// Job is the job as it was handed out (its key is derived from it).
	Job Job
	// Kind is what happens to the job.
	Kind OutcomeKind
	// Next is when a retried job is due again.
	Next time.Time
	// Error describes the failure (for Failed and Retry).
	Error string
	// Host, when not nil, replaces the stored state of Host.Host.
	Host *HostState
	// Owner, when not "", is the replica that claimed the job (ClaimJobs):
	// the outcome is refused with ErrLeaseLost unless it still holds the
	// claim.
	Owner string
}

// Record commits the outcome of one attempt: the job is removed or moved,
// its index entry and its activity's counts follow, and the host state is
// stored. Concurrent calls are committed together (group commit, see
// batch), so a worker pool pays one fsync per group, not per job. It returns the job as
// now queued (for Retry). It fails with ErrNotFound, changing nothing, when
// the job is no longer queued (finished or already moved), so a stale copy
// of a job cannot bring it back, duplicate it or count twice, and with
// ErrLeaseLost when o.Owner no longer holds the job's claim. A recorded
// outcome ends the job's claim.
func (s *Store) Record(o Outcome) (Job, error) {
	var out Job
	err := s.batch(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketDeliveries).Get(jobKey(o.Job)) == nil {
			return ErrNotFound
		}
		if err := s.claims.checkClaim(o); err != nil {
			return err
		}
		var err error
		out, err = recordTx(tx, o)
		return err
	})
	if err == nil {
		s.claims.dropClaim(o.Job)
	}
	if err != nil {
		return o.Job, fmt.Errorf("record delivery of %s to %s: %w", o.Job.ActivityID, o.Job.Inbox, err)
	}
	return out, nil
}

func recordTx(tx *bolt.Tx, o Outcome) (Job, error) {
	j := o.Job
	jobs, index := tx.Bucket(bucketDeliveries), tx.Bucket(bucketDeliveryIndex)
	key := jobKey(j)
	if jobs.Get(key) == nil {
		return j, ErrNotFound
	}
	if err := jobs.Delete(key); err != nil {
		return j, err
	}
	pair := pairKey(j.ActivityID, j.Inbox)
	if o.Host != nil {
		if err := putJSON(tx.Bucket(bucketHosts), []byte(o.Host.Host), o.Host); err != nil {
			return j, err
		}
	}
	switch o.Kind {
	case Retry:
		if err := checkKeyTime("next attempt", o.Next); err != nil {
			return j, err
		}
		j.Attempts++
		j.NextAttempt = o.Next
		j.LastError = o.Error
		if err := putJSON(jobs, jobKey(j), j); err != nil {
			return j, err
		}
		return j, index.Put(pair, jobKey(j))
	case Delivered, Failed:
		if err := index.Delete(pair); err != nil {
			return j, err
		}
		return j, updateStats(tx, j.ActivityID, func(st *ActivityStats) {
			if o.Kind == Delivered {
				st.Delivered++
			} else {
				st.Failed++
				st.LastError = o.Error
			}
		})
	}
	return j, fmt.Errorf("unknown outcome kind %d", o.Kind)
}

// FinishJob removes a delivered job. Removing a job that is not queued is
// not an error.
func (s *Store) FinishJob(j Job) error {
	_, err := s.Record(Outcome{Job: j, Kind: Delivered})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// RetryJob records a failed attempt and moves j to next. It returns the
// updated job. It fails with ErrNotFound, queuing nothing, when j is no
// longer queued (finished or already moved), so that a stale copy of a job
// cannot bring it back or duplicate it.
func (s *Store) RetryJob(j Job, next time.Time, lastErr string) (Job, error) {
	return s.Record(Outcome{Job: j, Kind: Retry, Next: next, Error: lastErr})
}

// PendingJobs returns how many deliveries are queued.
func (s *Store) PendingJobs() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketDeliveryIndex).Stats().KeyN
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
