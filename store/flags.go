package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketFlags holds reports: Flag activity id → Flag JSON. Created on first
// write.
var bucketFlags = []byte("flags")

// Flag is a report (an ActivityPub Flag) sent to Herald, kept for the
// operator to read.
type Flag struct {
	// ID is the Flag activity's id; Actor who sent it (often a server's
	// instance actor, as Mastodon hides the reporting user).
	ID    string `json:"id"`
	Actor string `json:"actor"`
	// Objects are the reported ids: Herald actors and posts.
	Objects []string `json:"objects"`
	// Content is the reporter's comment, as plain text.
	Content  string    `json:"content,omitempty"`
	Received time.Time `json:"received"`
}

// AddFlag records f. The same id twice changes nothing (isNew false).
func (s *Store) AddFlag(f Flag) (isNew bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketFlags)
		if err != nil {
			return err
		}
		if b.Get([]byte(f.ID)) != nil {
			return nil
		}
		isNew = true
		return putJSON(b, []byte(f.ID), f)
	})
	if err != nil {
		return false, fmt.Errorf("add flag %s: %w", f.ID, err)
	}
	return isNew, nil
}

// Flags returns every stored report, ordered by id.
func (s *Store) Flags() ([]Flag, error) {
	var out []Flag
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFlags)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var f Flag
			if err := decodeJSON(k, v, &f); err != nil {
				return err
			}
			out = append(out, f)
			return nil
		})
	})
	return out, err
}

// RemoveFlagsBy removes the reports sent by actor (when its account is
// deleted or erased) and returns how many there were.
func (s *Store) RemoveFlagsBy(actor string) (n int, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFlags)
		if b == nil {
			return nil
		}
		var gone [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var f Flag
			if err := decodeJSON(k, v, &f); err != nil {
				return err
			}
			if f.Actor == actor {
				gone = append(gone, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range gone {
			if err == nil {
				err = b.Delete(k)
			}
		}
		n = len(gone)
		return err
	})
	return n, err
}
