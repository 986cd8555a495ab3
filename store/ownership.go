package store

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketOwnership holds handle → Ownership JSON; created on first use.
var bucketOwnership = []byte("ownership")

// Ownership is the state of an account's ownership check.
type Ownership struct {
	// Token is what the site must show; made once per account.
	Token string `json:"token"`
	// Verified is true once the site showed the token; Method says how.
	Verified   bool      `json:"verified"`
	Method     string    `json:"method,omitempty"`
	VerifiedAt time.Time `json:"verified_at,omitzero"`
	// LastCheck and LastError describe the last check.
	LastCheck time.Time `json:"last_check,omitzero"`
	LastError string    `json:"last_error,omitempty"`
}

// Ownership returns handle's ownership state, making its token on first use.
func (s *Store) Ownership(handle string) (Ownership, error) {
	var o Ownership
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketOwnership)
		if err != nil {
			return err
		}
		if found, err := getJSON(b, []byte(handle), &o); err != nil || found {
			return err
		}
		raw := make([]byte, 16)
		if _, err := rand.Read(raw); err != nil {
			return err
		}
		o.Token = hex.EncodeToString(raw)
		return putJSON(b, []byte(handle), o)
	})
	return o, err
}

// SaveOwnership stores handle's ownership state.
func (s *Store) SaveOwnership(handle string, o Ownership) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketOwnership)
		if err != nil {
			return err
		}
		return putJSON(b, []byte(handle), o)
	})
}
