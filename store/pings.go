package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketPings holds handle → Ping JSON: the last update ping or WebSub
// publish notification received for a feed. It is created on first use.
var bucketPings = []byte("pings")

// Ping records the last notification that a feed changed.
type Ping struct {
	// At is when it arrived.
	At time.Time `json:"at"`
	// Via says how: "xmlrpc weblogUpdates.extendedPing", "api", "websub".
	Via string `json:"via"`
	// Source is the URL the notification named (home page or feed).
	Source string `json:"source"`
}

// RecordPing stores p as handle's last ping.
func (s *Store) RecordPing(handle string, p Ping) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketPings)
		if err != nil {
			return err
		}
		return putJSON(b, []byte(handle), p)
	})
}

// LastPing returns handle's last ping; found is false when none arrived yet.
func (s *Store) LastPing(handle string) (p Ping, found bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		found, err = getJSON(tx.Bucket(bucketPings), []byte(handle), &p)
		return err
	})
	return p, found, err
}
