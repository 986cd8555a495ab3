package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ActivityStats counts the deliveries of one activity. Pending is Queued
// minus Delivered minus Failed.
type ActivityStats struct {
	// Queued counts the jobs ever queued for the activity (one per inbox).
	Queued int `json:"queued"`
	// Delivered counts the jobs a peer accepted.
	Delivered int `json:"delivered"`
	// Failed counts the jobs given up (rejected, gone, out of tries).
	Failed int `json:"failed"`
	// LastError is the reason of the last job given up.
	LastError string `json:"last_error,omitempty"`
}

// Pending is how many jobs of the activity are still queued.
func (a ActivityStats) Pending() int { return a.Queued - a.Delivered - a.Failed }

// updateStats applies change to the stats of activityID.
func updateStats(tx *bolt.Tx, activityID string, change func(*ActivityStats)) error {
	b := tx.Bucket(bucketDeliveryStats)
	var st ActivityStats
	if _, err := getJSON(b, []byte(activityID), &st); err != nil {
		return err
	}
	change(&st)
	return putJSON(b, []byte(activityID), st)
}

// DeliveryStats returns the delivery counts of activityID; found is false
// when no job was ever queued for it.
func (s *Store) DeliveryStats(activityID string) (st ActivityStats, found bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		found, err = getJSON(tx.Bucket(bucketDeliveryStats), []byte(activityID), &st)
		return err
	})
	return st, found, err
}

// QueueStats describes the whole delivery queue.
type QueueStats struct {
	// Depth is the number of queued jobs.
	Depth int
	// Due is how many of them are due now.
	Due int
	// OldestCreated is when the oldest queued job was queued (zero when
	// the queue is empty); now minus it is the oldest pending age.
	OldestCreated time.Time
	// NextDue is when the earliest job is due (zero when empty).
	NextDue time.Time
}

// OldestAge is how long the oldest queued job has waited at now.
func (q QueueStats) OldestAge(now time.Time) time.Duration {
	if q.OldestCreated.IsZero() {
		return 0
	}
	return now.Sub(q.OldestCreated)
}

// QueueStats reads the queue's depth, due count and oldest job at now. It
// reads every job, so it is meant for metrics and admin pages, not hot paths.
func (s *Store) QueueStats(now time.Time) (QueueStats, error) {
	var q QueueStats
	end := timeKey(clampKeyTime(now))
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDeliveries).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var j Job
			if err := decodeJSON(k, v, &j); err != nil {
				return err
			}
			if q.Depth == 0 {
				q.NextDue = keyTime(k)
			}
			q.Depth++
			if string(k[:8]) <= string(end) {
				q.Due++
			}
			if q.OldestCreated.IsZero() || j.Created.Before(q.OldestCreated) {
				q.OldestCreated = j.Created
			}
		}
		return nil
	})
	if err != nil {
		return QueueStats{}, fmt.Errorf("queue stats: %w", err)
	}
	return q, nil
}

// HostState is the health of one remote host as the delivery workers see
// it: the circuit breaker's state and the last failure.
type HostState struct {
	// Host is the host name (with port when not the default).
	Host string `json:"host"`
	// State is "ok", "failing" (failures, not yet held back) or "held"
	// (held back until HeldUntil, then probed with one request).
	State string `json:"state"`
	// Failures counts consecutive failed attempts.
	Failures int `json:"failures"`
	// LastError describes the last failure; LastFailure is when it happened.
	LastError   string    `json:"last_error,omitempty"`
	LastFailure time.Time `json:"last_failure,omitzero"`
	// LastSuccess is when a delivery last succeeded after a failure.
	LastSuccess time.Time `json:"last_success,omitzero"`
	// HeldUntil is when a held host is probed next.
	HeldUntil time.Time `json:"held_until,omitzero"`
	// Cooldown is the current hold time; it doubles on each failed probe.
	Cooldown time.Duration `json:"cooldown,omitempty"`
}

// Hosts returns the stored state of every host that has failed at least
// once, by host name.
func (s *Store) Hosts() (map[string]HostState, error) {
	out := map[string]HostState{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketHosts).ForEach(func(k, v []byte) error {
			var h HostState
			if err := decodeJSON(k, v, &h); err != nil {
				return err
			}
			out[string(k)] = h
			return nil
		})
	})
	return out, err
}
