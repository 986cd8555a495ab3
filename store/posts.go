package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SeenItem records one feed item that Herald has turned into a post.
type SeenItem struct {
	// Key is the item's stable identity in its feed.
	Key string `json:"key"`
	// ObjectID is the id of the Note (or Article) made from the item.
	ObjectID string `json:"object_id"`
	// Hash identifies what followers see; a new hash means an edit.
	Hash string `json:"hash"`
	// Published and Updated are the times shown on the post.
	Published time.Time `json:"published"`
	Updated   time.Time `json:"updated,omitzero"`
	// Version counts the edits delivered so far (0 for the original).
	Version int `json:"version"`
	// Deleted is when the item was withdrawn at its source and its post
	// deleted; zero while it stands. A deleted item is never posted again.
	Deleted time.Time `json:"deleted,omitzero"`
	// Link is the article URL, checked when the item vanishes from its
	// feed ("" in records made before it was kept).
	Link string `json:"link,omitempty"`
}

// Document is a JSON-LD document (object or activity) with its id.
type Document struct {
	ID   string
	JSON []byte
}

// Post is one change to one feed item: the item's new record, the object as
// it now reads, and the activity (Create or Update) that announces it.
type Post struct {
	Item     SeenItem
	Object   Document
	Activity Document
	// At places the activity in the outbox. It must be set (within the years
	// 1678 to 2262). When another activity already sits at At in the outbox,
	// this one is placed a nanosecond later, so every entry has its own time.
	At time.Time
	// Silent posts are recorded (item, object, outbox) but queue no
	// deliveries: backdated items, and everything on a first poll.
	Silent bool
	// RelayAnnounce, set for a new public post, is the relay actor's
	// Announce of it, which LitePub relays get instead of the Create.
	RelayAnnounce *Document
}

// ApplyPoll records the outcome of one successful poll in a single
// transaction: the feed state, every post (item record, object, activity,
// outbox entry) and, when deliver is true, one delivery job per unique
// follower inbox for each activity that is not Silent (none for a pair
// already queued). Either all of it is committed or none. It returns the
// number of jobs queued. It is CommitPoll without held posts or deletions.
func (s *Store) ApplyPoll(handle string, state FeedState, posts []Post, deliver bool, now time.Time) (queued int, err error) {
	return s.CommitPoll(handle, PollCommit{State: state, Posts: posts, Deliver: deliver}, now)
}

func putPost(tx *bolt.Tx, handle string, p Post) error {
	items, err := actorBucket(tx, bucketItems, handle, true)
	if err != nil {
		return err
	}
	if err := putJSON(items, []byte(p.Item.Key), p.Item); err != nil {
		return err
	}
	docs := tx.Bucket(bucketDocuments)
	if err := docs.Put([]byte(p.Object.ID), p.Object.JSON); err != nil {
		return err
	}
	if err := docs.Put([]byte(p.Activity.ID), p.Activity.JSON); err != nil {
		return err
	}
	outbox, err := actorBucket(tx, bucketOutbox, handle, true)
	if err != nil {
		return err
	}
	return putOutboxEntry(outbox, p.At, p.Activity.ID)
}

// putOutboxEntry files activityID in outbox at the first time from at on
// that no other activity holds. Unique times are what let Outbox cut pages by
// time without skipping or repeating entries (several items of one poll often
// share a time). An activity already filed at that time keeps its entry, so
// applying the same post again adds nothing.
func putOutboxEntry(outbox *bolt.Bucket, at time.Time, activityID string) error {
	c := outbox.Cursor()
	for {
		if err := checkKeyTime("outbox time", at); err != nil {
			return err
		}
		prefix := timeKey(at)
		k, v := c.Seek(prefix)
		if k == nil || !bytes.HasPrefix(k, prefix) {
			return outbox.Put(outboxKey(at, activityID), []byte(activityID))
		}
		if string(v) == activityID {
			return nil
		}
		at = at.Add(time.Nanosecond)
	}
}

// outboxKey sorts outbox entries by time, then id.
func outboxKey(at time.Time, activityID string) []byte {
	return append(timeKey(at), activityID...)
}

// SeenItems returns handle's item records by item key.
func (s *Store) SeenItems(handle string) (map[string]SeenItem, error) {
	seen := map[string]SeenItem{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := actorBucket(tx, bucketItems, handle, false)
		if err != nil || b == nil {
			return err
		}
		return b.ForEach(func(k, v []byte) error {
			var it SeenItem
			if err := decodeJSON(k, v, &it); err != nil {
				return err
			}
			seen[it.Key] = it
			return nil
		})
	})
	return seen, err
}

// Document returns the JSON stored under id, or ErrNotFound.
func (s *Store) Document(id string) ([]byte, error) {
	var doc []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketDocuments).Get([]byte(id)); v != nil {
			doc = append([]byte(nil), v...)
		}
		return nil
	})
	if err == nil && doc == nil {
		return nil, fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	return doc, err
}

// OutboxEntry is one activity in an outbox.
type OutboxEntry struct {
	At       time.Time
	Activity json.RawMessage
}

// Outbox returns up to limit activities of handle placed strictly before
// before (the zero time means from the newest), newest first, and the total
// number of activities in the outbox. Passing the At of the last entry of a
// page as before gives the next page: pages cut this way neither overlap nor
// skip entries (each entry has its own At) and stay stable when new
// activities arrive.
func (s *Store) Outbox(handle string, before time.Time, limit int) (entries []OutboxEntry, total int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		b, err := actorBucket(tx, bucketOutbox, handle, false)
		if err != nil || b == nil {
			return err
		}
		total = b.Stats().KeyN
		docs := tx.Bucket(bucketDocuments)
		c := b.Cursor()
		var k, v []byte
		switch {
		case before.IsZero() || before.After(maxKeyTime):
			k, v = c.Last()
		case before.Before(minKeyTime):
			return nil
		default:
			if sk, _ := c.Seek(timeKey(before)); sk == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
		for ; k != nil && len(entries) < limit; k, v = c.Prev() {
			doc := docs.Get(v)
			if doc == nil {
				continue
			}
			entries = append(entries, OutboxEntry{At: keyTime(k), Activity: append(json.RawMessage(nil), doc...)})
		}
		return nil
	})
	return entries, total, err
}
