package postgres

import (
	"fmt"
	"time"

	"herald/store"
)

// Subscription returns handle's WebSub subscription (zero if none).
func (s *Store) Subscription(handle string) (store.Subscription, error) {
	ctx, cancel := s.op()
	defer cancel()
	var sub store.Subscription
	var requested, until *time.Time
	err := s.pool.QueryRow(ctx, `SELECT hub, topic, secret, state, requested, lease_seconds, lease_until
		FROM websub WHERE handle = $1`, handle).Scan(&sub.Hub, &sub.Topic, &sub.Secret, &sub.State, &requested, &sub.LeaseSeconds, &until)
	if notFound(err) {
		return store.Subscription{}, nil
	}
	if err != nil {
		return store.Subscription{}, fmt.Errorf("websub subscription of %s: %w", handle, err)
	}
	sub.Requested, sub.LeaseUntil = fromTS(requested), fromTS(until)
	return sub, nil
}

// SaveSubscription replaces handle's WebSub subscription.
func (s *Store) SaveSubscription(handle string, sub store.Subscription) error {
	ctx, cancel := s.op()
	defer cancel()
	_, err := s.pool.Exec(ctx, `INSERT INTO websub (handle, hub, topic, secret, state, requested, lease_seconds, lease_until)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (handle) DO UPDATE SET hub = excluded.hub, topic = excluded.topic, secret = excluded.secret,
			state = excluded.state, requested = excluded.requested, lease_seconds = excluded.lease_seconds,
			lease_until = excluded.lease_until`,
		handle, sub.Hub, sub.Topic, sub.Secret, sub.State, ts(sub.Requested), sub.LeaseSeconds, ts(sub.LeaseUntil))
	if err != nil {
		return fmt.Errorf("save websub subscription of %s: %w", handle, err)
	}
	return nil
}
