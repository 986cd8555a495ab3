package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// relayLitePub is the flavour (config.RelayLitePub) of the relays that
// get a post's Announce by the relay actor instead of its Create.
const relayLitePub = "litepub"

// pollQueue queues the deliveries of one poll: every activity to the
// followers' inboxes and to the accepted relays of the feed.
type pollQueue struct {
	tx      pgx.Tx
	handle  string
	now     time.Time
	inboxes []string            // followers' unique inboxes
	relays  map[string][]string // accepted relays' inboxes by flavour
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
	inboxes := q.inboxes[:len(q.inboxes):len(q.inboxes)]
	for _, relayed := range q.relays {
		inboxes = append(inboxes, relayed...)
	}
	return q.put(ctx, activityID, q.handle, inboxes)
}

// post queues p's activity. LitePub relays get the relay actor's Announce
// of a new post (p.RelayAnnounce, stored here) instead of its Create, and
// its Updates as they are.
func (q *pollQueue) post(ctx context.Context, p store.Post) error {
	if p.RelayAnnounce == nil || len(q.relays[relayLitePub]) == 0 {
		return q.activity(ctx, p.Activity.ID)
	}
	direct := q.inboxes[:len(q.inboxes):len(q.inboxes)]
	for flavour, inboxes := range q.relays {
		if flavour != relayLitePub {
			direct = append(direct, inboxes...)
		}
	}
	if err := q.put(ctx, p.Activity.ID, q.handle, direct); err != nil {
		return err
	}
	if err := putDocument(ctx, q.tx, *p.RelayAnnounce); err != nil {
		return err
	}
	return q.put(ctx, p.RelayAnnounce.ID, store.RelayHandle, q.relays[relayLitePub])
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

// relayInboxes returns the inboxes of the accepted relays among urls, by
// flavour: each inbox once, under the flavour of the first relay (in the
// order of urls) that has it.
func relayInboxes(ctx context.Context, tx pgx.Tx, urls []string) (byFlavour map[string][]string, err error) {
	if len(urls) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, "SELECT url, flavour, inbox FROM relays WHERE url = ANY($1) AND state = $2 AND inbox <> ''",
		urls, store.RelayAccepted)
	if err != nil {
		return nil, fmt.Errorf("relays' inboxes: %w", err)
	}
	accepted := map[string]store.Relay{}
	var r store.Relay
	_, err = pgx.ForEachRow(rows, []any{&r.URL, &r.Flavour, &r.Inbox}, func() error {
		accepted[r.URL] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("relays' inboxes: %w", err)
	}
	seen := map[string]bool{}
	for _, u := range urls {
		r, ok := accepted[u]
		if !ok || seen[r.Inbox] {
			continue
		}
		seen[r.Inbox] = true
		if byFlavour == nil {
			byFlavour = map[string][]string{}
		}
		byFlavour[r.Flavour] = append(byFlavour[r.Flavour], r.Inbox)
	}
	return byFlavour, nil
}
