package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketPaused holds handle → pause time (RFC 3339) of paused feeds;
// created on first use. It is apart from the feed state, which the poller
// rewrites on every poll.
var bucketPaused = []byte("paused")

// SetPaused pauses (or resumes) polling of handle's feed.
func (s *Store) SetPaused(handle string, paused bool, at time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketPaused)
		if err != nil {
			return err
		}
		if !paused {
			return b.Delete([]byte(handle))
		}
		return b.Put([]byte(handle), []byte(at.UTC().Format(time.RFC3339)))
	})
}

// Paused returns when handle's feed was paused; ok is false when it is not.
func (s *Store) Paused(handle string) (since time.Time, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPaused)
		if b == nil {
			return nil
		}
		if v := b.Get([]byte(handle)); v != nil {
			ok = true
			since, err = time.Parse(time.RFC3339, string(v))
		}
		return err
	})
	return since, ok, err
}
