package postgres

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// Relays returns every relay subscription, in URL order.
func (s *Store) Relays() ([]store.Relay, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT url, flavour, inbox, actor_id, follow_id, state, since, subscribed, last_error
		FROM relays ORDER BY url`)
	if err != nil {
		return nil, fmt.Errorf("relays: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Relay, error) {
		var r store.Relay
		var since, subscribed *time.Time
		err := row.Scan(&r.URL, &r.Flavour, &r.Inbox, &r.ActorID, &r.FollowID, &r.State, &since, &subscribed, &r.LastError)
		r.Since, r.Subscribed = fromTS(since), fromTS(subscribed)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("relays: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// PutRelay stores r, replacing the record of r.URL, without sending
// anything (a state change, or a subscription that could not start).
func (s *Store) PutRelay(r store.Relay) error {
	if r.URL == "" {
		return errors.New("put relay: URL is required")
	}
	ctx, cancel := s.op()
	defer cancel()
	_, err := s.pool.Exec(ctx, `INSERT INTO relays (url, flavour, inbox, actor_id, follow_id, state, since, subscribed, last_error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (url) DO UPDATE SET flavour = excluded.flavour, inbox = excluded.inbox, actor_id = excluded.actor_id,
			follow_id = excluded.follow_id, state = excluded.state, since = excluded.since,
			subscribed = excluded.subscribed, last_error = excluded.last_error`,
		r.URL, r.Flavour, r.Inbox, r.ActorID, r.FollowID, r.State, ts(r.Since), ts(r.Subscribed), r.LastError)
	if err != nil {
		return fmt.Errorf("put relay %s: %w", r.URL, err)
	}
	return nil
}
