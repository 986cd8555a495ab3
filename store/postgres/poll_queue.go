package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// pollQueue queues the deliveries of one poll: every activity to the
// followers' inboxes and to the accepted relays of the feed.
type pollQueue struct {
	tx      pgx.Tx
	handle  string
	now     time.Time
	inboxes []string           // followers' unique inboxes
	relays  store.RelayInboxes // accepted relays' inboxes
	queued  int
}

// newPollQueue reads the inboxes that c's activities go to; none when c
// delivers nothing.
func newPollQueue(ctx context.Context, tx pgx.Tx, handle string, c store.PollCommit, now time.Time) (*pollQueue, error) {
	q := &pollQueue{tx: tx, handle: handle, now: now}
	if !c.Deliver || len(c.Posts)+len(c.Deletions) == 0 {
		return q, nil
	}
	var err error
	if q.inboxes, err = deliveryInboxes(ctx, tx, handle); err != nil {
		return nil, err
	}
	if q.relays, err = relayInboxes(ctx, tx, c.Relays); err != nil {
		return nil, err
	}
	return q, nil
}

// activity queues activityID, signed by the account, to the followers and
// to every accepted relay.
func (q *pollQueue) activity(ctx context.Context, activityID string) error {
	return q.put(ctx, activityID, q.handle, slices.Concat(q.inboxes, q.relays.Direct, q.relays.LitePub))
}

// post queues p's activity. LitePub relays get the relay actor's Announce
// of a new post (p.RelayAnnounce, stored here) instead of its Create, and
// its Updates as they are.
func (q *pollQueue) post(ctx context.Context, p store.Post) error {
	if p.RelayAnnounce == nil || len(q.relays.LitePub) == 0 {
		return q.activity(ctx, p.Activity.ID)
	}
	if err := q.put(ctx, p.Activity.ID, q.handle, slices.Concat(q.inboxes, q.relays.Direct)); err != nil {
		return err
	}
	if err := putDocument(ctx, q.tx, *p.RelayAnnounce); err != nil {
		return err
	}
	return q.put(ctx, p.RelayAnnounce.ID, store.RelayHandle, q.relays.LitePub)
}

// put queues activityID, signed as signer, to inboxes.
func (q *pollQueue) put(ctx context.Context, activityID, signer string, inboxes []string) error {
	n, err := putJobs(ctx, q.tx, store.Job{ActivityID: activityID, Handle: signer, NextAttempt: q.now, Created: q.now}, inboxes)
	q.queued += n
	return err
}

// deliveryInboxes returns the unique inboxes that reach all of handle's
// followers: one per shared inbox, plus the personal inboxes of followers
// without one. Never both for one follower.
func deliveryInboxes(ctx context.Context, tx pgx.Tx, handle string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT CASE WHEN shared_inbox <> '' THEN shared_inbox ELSE inbox END
		FROM followers WHERE handle = $1 ORDER BY id`, handle)
	if err != nil {
		return nil, fmt.Errorf("followers' inboxes: %w", err)
	}
	all, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("followers' inboxes: %w", err)
	}
	seen := map[string]bool{}
	var inboxes []string
	for _, inbox := range all {
		if !seen[inbox] {
			seen[inbox] = true
			inboxes = append(inboxes, inbox)
		}
	}
	return inboxes, nil
}

// relayInboxes reads the accepted relays among urls in tx.
func relayInboxes(ctx context.Context, tx pgx.Tx, urls []string) (store.RelayInboxes, error) {
	if len(urls) == 0 {
		return store.RelayInboxes{}, nil
	}
	rows, err := tx.Query(ctx, "SELECT url, flavour, inbox, state FROM relays WHERE url = ANY($1)", urls)
	if err != nil {
		return store.RelayInboxes{}, fmt.Errorf("relays' inboxes: %w", err)
	}
	stored := map[string]store.Relay{}
	var r store.Relay
	_, err = pgx.ForEachRow(rows, []any{&r.URL, &r.Flavour, &r.Inbox, &r.State}, func() error {
		stored[r.URL] = r
		return nil
	})
	if err != nil {
		return store.RelayInboxes{}, fmt.Errorf("relays' inboxes: %w", err)
	}
	return store.AcceptedRelayInboxes(urls, func(u string) (store.Relay, bool, error) {
		r, ok := stored[u]
		return r, ok, nil
	})
}
