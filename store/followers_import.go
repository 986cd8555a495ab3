package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// ImportFollowers records followers of handle in one transaction, without
// queueing Accepts: for moving an audience from another server and for
// benchmarks that need many followers at once. A follower already present
// keeps its record. It returns how many were added.
func (s *Store) ImportFollowers(handle string, followers []Follower) (added int, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		added = 0
		b, err := actorBucket(tx, bucketFollowers, handle, true)
		if err != nil {
			return err
		}
		for _, f := range followers {
			if f.ID == "" || f.Inbox == "" {
				return fmt.Errorf("follower %q: id and inbox are required", f.ID)
			}
			if b.Get([]byte(f.ID)) != nil {
				continue
			}
			if err := putJSON(b, []byte(f.ID), f); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("import followers of %s: %w", handle, err)
	}
	return added, nil
}
