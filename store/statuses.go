package store

// Posts written in Mastodon apps (the client API's POST /api/v1/statuses)
// rather than made from feed items: their records, their delivery, and
// their deletion.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketStatuses    = []byte("statuses")    // id (8 bytes, big-endian) → LocalStatus JSON
	bucketStatusKeys  = []byte("status_keys") // handle \x00 idempotency key → id (8 bytes)
	bucketDismissals  = []byte("dismissals")  // handle \x00 notification id (8 bytes) → nothing; handle \x01 → cleared through (8 bytes)
	statusBuckets     = [][]byte{bucketStatuses, bucketStatusKeys, bucketDismissals, bucketScheduledStatuses, bucketConversationMarks, bucketMarkers}
	errStatusRequired = errors.New("id, handle, object id, activity id and created are required")
)

// IdempotencyWindow is how long an Idempotency-Key names the post it made:
// a second request with the key within it gets that post back, as
// Mastodon's PostStatusService keeps the key for an hour.
const IdempotencyWindow = time.Hour

// LocalStatus is a post an account's team wrote in a Mastodon app. Its
// Note and Create are documents like a feed post's; this record is what
// the client API and a later Delete need besides.
type LocalStatus struct {
	// ID is its id in the client API: its Created millisecond shifted
	// left 16 bits, plus 16 bits that make it unique.
	ID     uint64 `json:"id"`
	Handle string `json:"handle"`
	// ObjectID is the Note's id; ActivityID its Create's.
	ObjectID   string `json:"object_id"`
	ActivityID string `json:"activity_id"`
	// Visibility is VisibilityPublic, VisibilityUnlisted or
	// VisibilityDirect. Direct posts are in no outbox.
	Visibility string `json:"visibility"`
	// InReplyTo is the id of the post it answers ("" for none).
	InReplyTo string `json:"in_reply_to,omitempty"`
	// Text and SpoilerText are what was typed (a deletion gives them back
	// for redrafting, as Mastodon's does); Sensitive and Language as
	// given.
	Text        string `json:"text"`
	SpoilerText string `json:"spoiler_text,omitempty"`
	Sensitive   bool   `json:"sensitive,omitempty"`
	Language    string `json:"language,omitempty"`
	// Inboxes are where it was sent besides the followers' inboxes: those
	// of the actors it mentions. Its Delete goes there too.
	Inboxes []string `json:"inboxes,omitempty"`
	// IdempotencyKey is the Idempotency-Key it was posted with ("").
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// Created is when it was posted; a public or unlisted post sits in
	// the outbox at this time.
	Created time.Time `json:"created"`
	// Scheduled is the id of the scheduled post (ScheduledStatus) it
	// publishes (0 for none).
	Scheduled uint64 `json:"scheduled,omitempty"`
	// Relays are the relays (their configured URLs) of the account when
	// a public post was made: the accepted ones get its Create (LitePub
	// relays RelayAnnounce instead) and later its Delete, as for a feed
	// post (see PollCommit.Relays).
	Relays []string `json:"relays,omitempty"`
	// RelayAnnounce is the relay actor's Announce of the post, for LitePub
	// relays; PublishStatus stores it as a document, not in the record.
	RelayAnnounce *Document `json:"-"`
}

func statusKey(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

func idempotencyKey(handle, key string) []byte { return []byte(handle + "\x00" + key) }

// PublishStatus stores st with its Note and Create and queues the Create,
// in one transaction: to the followers' inboxes unless st is direct, and
// to st.Inboxes; a public or unlisted post goes into the outbox at
// st.Created. When st has an IdempotencyKey that a post of the same
// account was made with less than IdempotencyWindow before now, nothing
// is stored and that post is returned instead (queued 0). A post whose id
// is taken fails with ErrExists. When st.Scheduled is set, that scheduled
// post is removed in the same transaction, and PublishStatus fails with
// ErrNotFound when it is gone (cancelled, or published already): so each
// scheduled post is published once.
func (s *Store) PublishStatus(st LocalStatus, note, create Document, now time.Time) (saved LocalStatus, queued int, err error) {
	if st.ID == 0 || st.Handle == "" || st.ObjectID == "" || st.ActivityID == "" || st.Created.IsZero() {
		return LocalStatus{}, 0, fmt.Errorf("publish status: %w", errStatusRequired)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		saved, queued = st, 0
		b, keys := tx.Bucket(bucketStatuses), tx.Bucket(bucketStatusKeys)
		if st.IdempotencyKey != "" {
			if id := keys.Get(idempotencyKey(st.Handle, st.IdempotencyKey)); id != nil {
				var prev LocalStatus
				if found, err := getJSON(b, id, &prev); err != nil || found && now.Sub(prev.Created) < IdempotencyWindow {
					saved = prev
					return err
				}
			}
			if err := keys.Put(idempotencyKey(st.Handle, st.IdempotencyKey), statusKey(st.ID)); err != nil {
				return err
			}
		}
		if b.Get(statusKey(st.ID)) != nil {
			return fmt.Errorf("status %d: %w", st.ID, ErrExists)
		}
		if st.Scheduled != 0 {
			if _, err := takeScheduled(tx, st.Scheduled); err != nil {
				return fmt.Errorf("scheduled status %d: %w", st.Scheduled, err)
			}
		}
		if err := putJSON(b, statusKey(st.ID), st); err != nil {
			return err
		}
		var err error
		queued, err = putStatusDocuments(tx, st, note, create, now)
		return err
	})
	if err != nil {
		return LocalStatus{}, 0, fmt.Errorf("publish status of %s: %w", st.Handle, err)
	}
	return saved, queued, nil
}

// putStatusDocuments stores st's Note and Create, files the Create in the
// outbox unless st is direct, and queues it.
func putStatusDocuments(tx *bolt.Tx, st LocalStatus, note, create Document, now time.Time) (int, error) {
	docs := tx.Bucket(bucketDocuments)
	if err := docs.Put([]byte(note.ID), note.JSON); err != nil {
		return 0, err
	}
	if err := docs.Put([]byte(create.ID), create.JSON); err != nil {
		return 0, err
	}
	if st.Visibility != VisibilityDirect {
		outbox, err := actorBucket(tx, bucketOutbox, st.Handle, true)
		if err != nil {
			return 0, err
		}
		if err := putOutboxEntry(outbox, st.Created, create.ID); err != nil {
			return 0, err
		}
	}
	return queueStatusActivity(tx, st, create.ID, now)
}

// queueStatusActivity queues activityID, about st, to the followers'
// inboxes (unless st is direct) and to st.Inboxes.
func queueStatusActivity(tx *bolt.Tx, st LocalStatus, activityID string, now time.Time) (int, error) {
	var inboxes []string
	if st.Visibility != VisibilityDirect {
		var err error
		if inboxes, err = deliveryInboxes(tx, st.Handle); err != nil {
			return 0, err
		}
	}
	var relays RelayInboxes
	if st.Visibility == VisibilityPublic && len(st.Relays) > 0 {
		var err error
		if relays, err = relayInboxes(tx, st.Relays); err != nil {
			return 0, err
		}
	}
	toActivity, announced := st.RelayRoutes(slices.Concat(inboxes, st.Inboxes), relays)
	queued, err := putJobs(tx, Job{ActivityID: activityID, Handle: st.Handle, NextAttempt: now, Created: now}, toActivity)
	if err != nil || len(announced) == 0 {
		return queued, err
	}
	if err := tx.Bucket(bucketDocuments).Put([]byte(st.RelayAnnounce.ID), st.RelayAnnounce.JSON); err != nil {
		return 0, err
	}
	n, err := putJobs(tx, Job{ActivityID: st.RelayAnnounce.ID, Handle: RelayHandle, NextAttempt: now, Created: now}, announced)
	return queued + n, err
}

// LocalStatus returns the post with id; found is false when there is none
// (never made, or deleted).
func (s *Store) LocalStatus(id uint64) (st LocalStatus, found bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		found, err = getJSON(tx.Bucket(bucketStatuses), statusKey(id), &st)
		return err
	})
	return st, found, err
}

// LocalStatuses returns handle's posts, oldest first.
func (s *Store) LocalStatuses(handle string) ([]LocalStatus, error) {
	var out []LocalStatus
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketStatuses).ForEach(func(k, v []byte) error {
			var st LocalStatus
			if err := decodeJSON(k, v, &st); err != nil {
				return err
			}
			if st.Handle == handle {
				out = append(out, st)
			}
			return nil
		})
	})
	return out, err
}

// DeleteStatus withdraws the post id, in one transaction: its record goes,
// its Note and Create are replaced by tombstone (their ids answer it from
// then on, as a withdrawn feed post's do), the Create leaves the outbox,
// and del (the Delete) is stored and queued to everyone the Create was
// queued for: the followers (unless it was direct) and its Inboxes. It
// returns the deleted record, or ErrNotFound.
func (s *Store) DeleteStatus(id uint64, tombstone, del Document, now time.Time) (deleted LocalStatus, queued int, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		queued = 0
		b, keys := tx.Bucket(bucketStatuses), tx.Bucket(bucketStatusKeys)
		found, err := getJSON(b, statusKey(id), &deleted)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("status %d: %w", id, ErrNotFound)
		}
		if err := b.Delete(statusKey(id)); err != nil {
			return err
		}
		k := idempotencyKey(deleted.Handle, deleted.IdempotencyKey)
		if v := keys.Get(k); deleted.IdempotencyKey != "" && len(v) == 8 && binary.BigEndian.Uint64(v) == id {
			if err := keys.Delete(k); err != nil {
				return err
			}
		}
		if err := withdraw(tx, deleted.Handle, tombstone, []string{deleted.ActivityID}, del); err != nil {
			return err
		}
		queued, err = queueStatusActivity(tx, deleted, del.ID, now)
		return err
	})
	if err != nil {
		return LocalStatus{}, 0, fmt.Errorf("delete status %d: %w", id, err)
	}
	return deleted, queued, nil
}
