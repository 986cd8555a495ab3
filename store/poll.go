package store

import (
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Scheduled is a post held back until Due: a feed item dated in the future
// is rendered when seen but published only when its time comes.
type Scheduled struct {
	Post Post      `json:"post"`
	Due  time.Time `json:"due"`
}

// Deletion withdraws the post of one item that its source removed.
type Deletion struct {
	// Key is the item's key; its record is marked deleted.
	Key string
	// Tombstone replaces the object: its ID is the object id, which answers
	// 410 with this JSON from now on.
	Tombstone Document
	// Gone are the ids of the activities that carried the object (its
	// Create and Updates): they leave the outbox and answer 410 too.
	Gone []string
	// Delete is the activity sent to followers.
	Delete Document
	// At is the deletion time.
	At time.Time
}

// PollCommit is everything one poll changes, committed at once.
type PollCommit struct {
	// State replaces the feed state.
	State FeedState
	// Posts are new or edited items (see ApplyPoll).
	Posts []Post
	// Deliver queues jobs for the posts that are not Silent and for the
	// deletions; false on a first poll.
	Deliver bool
	// Schedule adds held posts (replacing those with the same key);
	// ReplaceSchedule makes it the feed's whole set of held posts (set
	// after a full fetch: an item no longer listed is no longer due).
	ReplaceSchedule bool
	Schedule        []Scheduled
	// Released are keys of held posts published now (they are in Posts).
	Released []string
	// Deletions withdraw posts.
	Deletions []Deletion
	// Records replace item records without publishing anything (a new
	// baseline hash, when the WordPress REST API first describes an item).
	Records []SeenItem
	// Relays are the relays (by URL) the feed's public posts go to; only
	// those whose subscription is accepted get them (see queueRelays).
	Relays []string
}

// CommitPoll records one poll in a single transaction: everything of
// ApplyPoll, plus the held (scheduled) posts and the deletions, with their
// delivery jobs. It returns the number of jobs queued, once committed.
// Commits of polls running at the same time are batched into one
// transaction (group commit, see batch: one fsync for many feeds); each is
// still all or nothing.
func (s *Store) CommitPoll(handle string, c PollCommit, now time.Time) (queued int, err error) {
	err = s.batch(func(tx *bolt.Tx) error {
		queued = 0
		if err := putJSON(tx.Bucket(bucketFeeds), []byte(handle), c.State); err != nil {
			return err
		}
		if err := putSchedule(tx, handle, c); err != nil {
			return err
		}
		if err := putRecords(tx, handle, c.Records); err != nil {
			return err
		}
		q, err := newPollQueue(tx, handle, c, now)
		if err != nil {
			return err
		}
		for _, p := range c.Posts {
			if err := putPost(tx, handle, p); err != nil {
				return err
			}
			if !p.Silent {
				if err := q.post(p); err != nil {
					return err
				}
			}
		}
		for _, d := range c.Deletions {
			if err := putDeletion(tx, handle, d); err != nil {
				return err
			}
			if err := q.activity(d.Delete.ID); err != nil {
				return err
			}
		}
		queued = q.queued
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("commit poll of %s: %w", handle, err)
	}
	return queued, nil
}

// putSchedule applies the schedule changes of c.
func putSchedule(tx *bolt.Tx, handle string, c PollCommit) error {
	if !c.ReplaceSchedule && len(c.Released)+len(c.Schedule) == 0 {
		return nil
	}
	top := tx.Bucket(bucketScheduled)
	if c.ReplaceSchedule && top.Bucket([]byte(handle)) != nil {
		if err := top.DeleteBucket([]byte(handle)); err != nil {
			return fmt.Errorf("clear schedule of %s: %w", handle, err)
		}
	}
	b, err := actorBucket(tx, bucketScheduled, handle, true)
	if err != nil {
		return err
	}
	for _, key := range c.Released {
		if err := b.Delete([]byte(key)); err != nil {
			return err
		}
	}
	for _, sp := range c.Schedule {
		if err := putJSON(b, []byte(sp.Post.Item.Key), sp); err != nil {
			return err
		}
	}
	return nil
}

// putRecords stores item records as they are.
func putRecords(tx *bolt.Tx, handle string, records []SeenItem) error {
	if len(records) == 0 {
		return nil
	}
	items, err := actorBucket(tx, bucketItems, handle, true)
	if err != nil {
		return err
	}
	for _, r := range records {
		if err := putJSON(items, []byte(r.Key), r); err != nil {
			return err
		}
	}
	return nil
}

// putDeletion marks the item deleted, replaces its object and activities by
// the tombstone, takes them out of the outbox and stores the Delete.
func putDeletion(tx *bolt.Tx, handle string, d Deletion) error {
	items, err := actorBucket(tx, bucketItems, handle, true)
	if err != nil {
		return err
	}
	var it SeenItem
	found, err := getJSON(items, []byte(d.Key), &it)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("delete item %s: %w", d.Key, ErrNotFound)
	}
	it.Deleted = d.At
	if err := putJSON(items, []byte(d.Key), it); err != nil {
		return err
	}
	return withdraw(tx, handle, d.Tombstone, d.Gone, d.Delete)
}

// withdraw replaces a post's object by tombstone (whose ID is the object
// id) and the activities gone (that carried it) by aliases of it, takes
// them out of handle's outbox, and stores del.
func withdraw(tx *bolt.Tx, handle string, tombstone Document, goneIDs []string, del Document) error {
	docs, tombs := tx.Bucket(bucketDocuments), tx.Bucket(bucketTombstones)
	if err := docs.Delete([]byte(tombstone.ID)); err != nil {
		return err
	}
	if err := tombs.Put([]byte(tombstone.ID), tombstone.JSON); err != nil {
		return err
	}
	gone := make(map[string]bool, len(goneIDs))
	for _, id := range goneIDs {
		gone[id] = true
		if err := docs.Delete([]byte(id)); err != nil {
			return err
		}
		if err := tombs.Put([]byte(id), []byte("@"+tombstone.ID)); err != nil {
			return err
		}
	}
	if err := docs.Put([]byte(del.ID), del.JSON); err != nil {
		return err
	}
	return dropFromOutbox(tx, handle, gone)
}

// dropFromOutbox removes the outbox entries of the activities in gone.
func dropFromOutbox(tx *bolt.Tx, handle string, gone map[string]bool) error {
	outbox, err := actorBucket(tx, bucketOutbox, handle, false)
	if err != nil || outbox == nil {
		return err
	}
	var keys [][]byte
	err = outbox.ForEach(func(k, v []byte) error {
		if gone[string(v)] {
			keys = append(keys, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := outbox.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Schedule returns handle's held posts.
func (s *Store) Schedule(handle string) ([]Scheduled, error) {
	var out []Scheduled
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := actorBucket(tx, bucketScheduled, handle, false)
		if err != nil || b == nil {
			return err
		}
		return b.ForEach(func(k, v []byte) error {
			var sp Scheduled
			if err := decodeJSON(k, v, &sp); err != nil {
				return err
			}
			out = append(out, sp)
			return nil
		})
	})
	return out, err
}

// Tombstone returns the tombstone of a deleted object, also when asked by
// the id of one of its activities; ErrNotFound if id was never deleted.
func (s *Store) Tombstone(id string) ([]byte, error) {
	var doc []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTombstones)
		v := b.Get([]byte(id))
		if alias, ok := strings.CutPrefix(string(v), "@"); ok {
			v = b.Get([]byte(alias))
		}
		if v != nil {
			doc = append([]byte(nil), v...)
		}
		return nil
	})
	if err == nil && doc == nil {
		return nil, fmt.Errorf("tombstone %s: %w", id, ErrNotFound)
	}
	return doc, err
}
