package store

import (
	"encoding/binary"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketFollowerHistory holds handle \x00 day (YYYY-MM-DD) → follower count
// (uint32): one sample per account and day, for the statistics page. It is
// created on first use.
var bucketFollowerHistory = []byte("follower_history")

// DayCount is the number of followers an account had on a day (UTC).
type DayCount struct {
	Day   time.Time
	Count int
}

// RecordFollowerCounts samples every given account's follower count for the
// day of at, replacing that day's earlier sample, in one transaction.
func (s *Store) RecordFollowerCounts(handles []string, at time.Time) error {
	day := at.UTC().Format(time.DateOnly)
	return s.db.Update(func(tx *bolt.Tx) error {
		hist, err := tx.CreateBucketIfNotExists(bucketFollowerHistory)
		if err != nil {
			return err
		}
		for _, h := range handles {
			n := 0
			if b, err := actorBucket(tx, bucketFollowers, h, false); err != nil {
				return err
			} else if b != nil {
				n = b.Stats().KeyN
			}
			v := make([]byte, 4)
			binary.BigEndian.PutUint32(v, uint32(n))
			if err := hist.Put([]byte(h+"\x00"+day), v); err != nil {
				return err
			}
		}
		return nil
	})
}

// FollowerHistory returns handle's daily samples, oldest first.
func (s *Store) FollowerHistory(handle string) ([]DayCount, error) {
	var out []DayCount
	err := s.db.View(func(tx *bolt.Tx) error {
		hist := tx.Bucket(bucketFollowerHistory)
		if hist == nil {
			return nil
		}
		prefix := handle + "\x00"
		c := hist.Cursor()
		for k, v := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, v = c.Next() {
			day, err := time.Parse(time.DateOnly, string(k[len(prefix):]))
			if err != nil || len(v) != 4 {
				continue
			}
			out = append(out, DayCount{Day: day, Count: int(binary.BigEndian.Uint32(v))})
		}
		return nil
	})
	return out, err
}
