package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// Subscription is Herald's WebSub subscription for one feed.
type Subscription struct {
	// Hub and Topic are what was subscribed to (the feed's URL as topic).
	Hub   string `json:"hub"`
	Topic string `json:"topic"`
	// Secret signs the hub's pushes (HMAC); it is kept across renewals.
	Secret string `json:"secret"`
	// State is "pending" (asked, not yet verified), "active", "denied: …"
	// or "failed: …".
	State string `json:"state"`
	// Requested is when the last subscription request was sent.
	Requested time.Time `json:"requested,omitzero"`
	// LeaseSeconds and LeaseUntil are the lease the hub verified.
	LeaseSeconds int       `json:"lease_seconds,omitempty"`
	LeaseUntil   time.Time `json:"lease_until,omitzero"`
}

// Subscription returns handle's WebSub subscription (zero if none).
func (s *Store) Subscription(handle string) (Subscription, error) {
	var sub Subscription
	err := s.db.View(func(tx *bolt.Tx) error {
		_, err := getJSON(tx.Bucket(bucketWebSub), []byte(handle), &sub)
		return err
	})
	return sub, err
}

// SaveSubscription replaces handle's WebSub subscription.
func (s *Store) SaveSubscription(handle string, sub Subscription) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketWebSub), []byte(handle), sub)
	})
}
