package store

// Posts scheduled in Mastodon apps (POST /api/v1/statuses with
// scheduled_at): kept until they are due, then published by PublishStatus
// with LocalStatus.Scheduled naming them, which removes them in the same
// transaction, so that each goes out once however many processes try.

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketScheduledStatuses = []byte("scheduled_statuses") // id (8 bytes, big-endian) → ScheduledStatus JSON
	errScheduledRequired    = errors.New("id, handle and scheduled at are required")
)

// ScheduledStatus is a post an account's team wrote in a Mastodon app to
// go out at ScheduledAt.
type ScheduledStatus struct {
	// ID is its id in the client API (as a LocalStatus's, from the
	// millisecond it was scheduled in).
	ID          uint64    `json:"id"`
	Handle      string    `json:"handle"`
	ScheduledAt time.Time `json:"scheduled_at"`
	// Text, SpoilerText, Sensitive, Language and Visibility are the
	// post's, as given; InReplyToID is the client API id of the post it
	// answers ("" for none).
	Text        string `json:"text"`
	SpoilerText string `json:"spoiler_text,omitempty"`
	Sensitive   bool   `json:"sensitive,omitempty"`
	Language    string `json:"language,omitempty"`
	Visibility  string `json:"visibility"`
	InReplyToID string `json:"in_reply_to_id,omitempty"`
	// Who scheduled it, from which app (ClientID), for the audit log.
	Who      Principal `json:"who"`
	ClientID string    `json:"client_id,omitempty"`
	Created  time.Time `json:"created"`
}

// AddScheduledStatus stores s; a taken id fails with ErrExists.
func (s *Store) AddScheduledStatus(st ScheduledStatus) error {
	if st.ID == 0 || st.Handle == "" || st.ScheduledAt.IsZero() {
		return fmt.Errorf("schedule status: %w", errScheduledRequired)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketScheduledStatuses)
		if b.Get(statusKey(st.ID)) != nil {
			return fmt.Errorf("scheduled status %d: %w", st.ID, ErrExists)
		}
		return putJSON(b, statusKey(st.ID), st)
	})
}

// ScheduledStatus returns the scheduled post id; found is false when there
// is none (never scheduled, cancelled or published).
func (s *Store) ScheduledStatus(id uint64) (st ScheduledStatus, found bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		found, err = getJSON(tx.Bucket(bucketScheduledStatuses), statusKey(id), &st)
		return err
	})
	return st, found, err
}

// ScheduledStatuses returns handle's scheduled posts by id, oldest first.
func (s *Store) ScheduledStatuses(handle string) ([]ScheduledStatus, error) {
	return s.scheduledWhere(func(st ScheduledStatus) bool { return st.Handle == handle })
}

// DueScheduledStatuses returns up to limit scheduled posts of any account
// whose time has come (ScheduledAt not after now), the earliest first.
func (s *Store) DueScheduledStatuses(now time.Time, limit int) ([]ScheduledStatus, error) {
	due, err := s.scheduledWhere(func(st ScheduledStatus) bool { return !st.ScheduledAt.After(now) })
	slices.SortStableFunc(due, func(x, y ScheduledStatus) int { return x.ScheduledAt.Compare(y.ScheduledAt) })
	if len(due) > limit {
		due = due[:limit]
	}
	return due, err
}

// scheduledWhere returns the scheduled posts keep accepts, by id.
func (s *Store) scheduledWhere(keep func(ScheduledStatus) bool) ([]ScheduledStatus, error) {
	var out []ScheduledStatus
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketScheduledStatuses).ForEach(func(k, v []byte) error {
			var st ScheduledStatus
			if err := decodeJSON(k, v, &st); err != nil {
				return err
			}
			if keep(st) {
				out = append(out, st)
			}
			return nil
		})
	})
	return out, err
}

// RescheduleStatus moves the scheduled post id to at and returns it, or
// ErrNotFound.
func (s *Store) RescheduleStatus(id uint64, at time.Time) (st ScheduledStatus, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketScheduledStatuses)
		found, err := getJSON(b, statusKey(id), &st)
		if err != nil || !found {
			return cmp.Or(err, ErrNotFound)
		}
		st.ScheduledAt = at
		return putJSON(b, statusKey(id), st)
	})
	if err != nil {
		return ScheduledStatus{}, fmt.Errorf("reschedule status %d: %w", id, err)
	}
	return st, nil
}

// CancelScheduledStatus removes the scheduled post id and returns it, or
// ErrNotFound.
func (s *Store) CancelScheduledStatus(id uint64) (st ScheduledStatus, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		var err error
		st, err = takeScheduled(tx, id)
		return err
	})
	if err != nil {
		return ScheduledStatus{}, fmt.Errorf("cancel scheduled status %d: %w", id, err)
	}
	return st, nil
}

// takeScheduled removes the scheduled post id in tx and returns it, or
// ErrNotFound.
func takeScheduled(tx *bolt.Tx, id uint64) (st ScheduledStatus, err error) {
	b := tx.Bucket(bucketScheduledStatuses)
	found, err := getJSON(b, statusKey(id), &st)
	if err != nil || !found {
		return st, cmp.Or(err, ErrNotFound)
	}
	return st, b.Delete(statusKey(id))
}
