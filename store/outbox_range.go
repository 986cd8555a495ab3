package store

import (
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// OutboxBetween returns up to limit activities of handle placed strictly
// after after and strictly before before (a zero time leaves that side
// open), newest first, or oldest first when oldestFirst. The client API
// pages an account's posts with it in both directions.
func (s *Store) OutboxBetween(handle string, after, before time.Time, oldestFirst bool, limit int) ([]OutboxEntry, error) {
	var entries []OutboxEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := actorBucket(tx, bucketOutbox, handle, false)
		if err != nil || b == nil {
			return err
		}
		inRange := func(at time.Time) bool {
			return (after.IsZero() || at.After(after)) && (before.IsZero() || at.Before(before))
		}
		docs := tx.Bucket(bucketDocuments)
		c := b.Cursor()
		k, v := outboxStart(c, after, before, oldestFirst)
		for ; k != nil && len(entries) < limit; k, v = outboxStep(c, oldestFirst) {
			at := keyTime(k)
			if !inRange(at) {
				break // past the far end: the start is always within range
			}
			if doc := docs.Get(v); doc != nil {
				entries = append(entries, OutboxEntry{At: at, Activity: append(json.RawMessage(nil), doc...)})
			}
		}
		return nil
	})
	return entries, err
}

// outboxStart places c on the first entry to look at: the newest before
// before, or the oldest after after.
func outboxStart(c *bolt.Cursor, after, before time.Time, oldestFirst bool) (k, v []byte) {
	if oldestFirst {
		if after.IsZero() || after.Before(minKeyTime) {
			return c.First()
		}
		if !after.Before(maxKeyTime) {
			return nil, nil
		}
		return c.Seek(timeKey(after.Add(time.Nanosecond)))
	}
	if before.IsZero() || before.After(maxKeyTime) {
		return c.Last()
	}
	if before.Before(minKeyTime) {
		return nil, nil
	}
	if sk, _ := c.Seek(timeKey(before)); sk == nil {
		return c.Last()
	}
	return c.Prev()
}

func outboxStep(c *bolt.Cursor, oldestFirst bool) (k, v []byte) {
	if oldestFirst {
		return c.Next()
	}
	return c.Prev()
}
