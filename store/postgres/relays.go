package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// relayColumns are the columns that scanRelay reads, in its order.
const relayColumns = "url, flavour, inbox, actor_id, follow_id, state, since, subscribed, last_error"

// scanRelay reads a row of relayColumns.
func scanRelay(row pgx.CollectableRow) (store.Relay, error) {
	var r store.Relay
	var since, subscribed *time.Time
	err := row.Scan(&r.URL, &r.Flavour, &r.Inbox, &r.ActorID, &r.FollowID, &r.State, &since, &subscribed, &r.LastError)
	r.Since, r.Subscribed = fromTS(since), fromTS(subscribed)
	return r, err
}

// Relays returns every relay subscription, in URL order.
func (s *Store) Relays() ([]store.Relay, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT "+relayColumns+" FROM relays ORDER BY url")
	if err != nil {
		return nil, fmt.Errorf("relays: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanRelay)
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
	if err := putRelay(ctx, s.pool, r); err != nil {
		return fmt.Errorf("put relay %s: %w", r.URL, err)
	}
	return nil
}

// putRelay stores r, replacing the record of r.URL.
func putRelay(ctx context.Context, q querier, r store.Relay) error {
	_, err := q.Exec(ctx, `INSERT INTO relays (`+relayColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (url) DO UPDATE SET flavour = excluded.flavour, inbox = excluded.inbox, actor_id = excluded.actor_id,
			follow_id = excluded.follow_id, state = excluded.state, since = excluded.since,
			subscribed = excluded.subscribed, last_error = excluded.last_error`,
		r.URL, r.Flavour, r.Inbox, r.ActorID, r.FollowID, r.State, ts(r.Since), ts(r.Subscribed), r.LastError)
	return err
}

// SubscribeRelay stores r (pending, with r.Inbox and r.FollowID set) and
// queues follow, the relay actor's Follow, to r.Inbox, in one transaction.
func (s *Store) SubscribeRelay(r store.Relay, follow store.Document, now time.Time) error {
	if r.URL == "" || r.Inbox == "" || follow.ID == "" {
		return errors.New("subscribe relay: URL, Inbox and the Follow are required")
	}
	r.FollowID = follow.ID
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		if err := putRelay(ctx, tx, r); err != nil {
			return err
		}
		if err := putDocument(ctx, tx, follow); err != nil {
			return err
		}
		_, err := putJobs(ctx, tx, store.Job{ActivityID: follow.ID, Handle: store.RelayHandle, NextAttempt: now, Created: now}, []string{r.Inbox})
		return err
	})
	if err != nil {
		return fmt.Errorf("subscribe to relay %s: %w", r.URL, err)
	}
	return nil
}

// UpdateRelayByFollow applies change to the relay whose Follow is
// followID (to each, in URL order, should several share it), in one
// transaction, and returns the relay as changed (the last one);
// store.ErrNotFound when there is none. The rows are locked (FOR UPDATE)
// before change sees them, so concurrent changes, also from other
// processes, apply one after the other. change cannot move a relay to
// another URL: the relay is stored under the URL it had.
func (s *Store) UpdateRelayByFollow(followID string, change func(*store.Relay)) (store.Relay, error) {
	var out store.Relay
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		out = store.Relay{}
		rows, err := tx.Query(ctx, "SELECT "+relayColumns+" FROM relays WHERE follow_id = $1 AND $1 <> '' ORDER BY url FOR UPDATE", followID)
		if err != nil {
			return err
		}
		relays, err := pgx.CollectRows(rows, scanRelay)
		if err != nil {
			return err
		}
		if len(relays) == 0 {
			return store.ErrNotFound
		}
		for _, r := range relays {
			url := r.URL
			change(&r)
			out, r.URL = r, url
			if err := putRelay(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return store.Relay{}, fmt.Errorf("relay of follow %s: %w", followID, err)
	}
	return out, nil
}

// UnsubscribeRelay removes the relay url and, when undo is set, queues it
// (the Undo of its Follow) to the relay's inbox, in one transaction. A
// relay that follows the relay actor back stops being its follower. An
// unknown relay is no error.
func (s *Store) UnsubscribeRelay(url string, undo *store.Document, now time.Time) error {
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		var inbox, actorID string
		err := tx.QueryRow(ctx, "DELETE FROM relays WHERE url = $1 RETURNING inbox, actor_id", url).Scan(&inbox, &actorID)
		if notFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if actorID != "" {
			if _, err := tx.Exec(ctx, "DELETE FROM followers WHERE handle = $1 AND id = $2", store.RelayHandle, actorID); err != nil {
				return err
			}
		}
		if undo == nil || inbox == "" {
			return nil
		}
		if err := putDocument(ctx, tx, *undo); err != nil {
			return err
		}
		_, err = putJobs(ctx, tx, store.Job{ActivityID: undo.ID, Handle: store.RelayHandle, NextAttempt: now, Created: now}, []string{inbox})
		return err
	})
	if err != nil {
		return fmt.Errorf("unsubscribe from relay %s: %w", url, err)
	}
	return nil
}
