package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// PublishStatus stores st with its Note and Create and queues the Create,
// in one transaction: to the followers' inboxes unless st is direct, and
// to st.Inboxes; a public or unlisted post goes into the outbox at
// st.Created. When st has an IdempotencyKey that a post of the same
// account was made with less than store.IdempotencyWindow before now,
// nothing is stored and that post is returned instead (queued 0); requests
// with one key take turns (an advisory lock), from any process. A post
// whose id is taken fails with store.ErrExists. When st.Scheduled is set,
// that scheduled post is deleted in the same transaction, and
// PublishStatus fails with store.ErrNotFound when it is gone (cancelled,
// or published already, by this process or another): so each scheduled
// post is published once.
func (s *Store) PublishStatus(st store.LocalStatus, note, create store.Document, now time.Time) (saved store.LocalStatus, queued int, err error) {
	if st.ID == 0 || st.ID > 1<<63-1 || st.Handle == "" || st.ObjectID == "" || st.ActivityID == "" || st.Created.IsZero() {
		return store.LocalStatus{}, 0, errors.New("publish status: id, handle, object id, activity id and created are required")
	}
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		saved, queued = st, 0
		if st.IdempotencyKey != "" {
			prev, found, err := sameRequest(ctx, tx, st, now)
			if err != nil || found {
				saved = prev
				return err
			}
		}
		tag, err := tx.Exec(ctx, `INSERT INTO local_statuses (id, handle, idempotency_key, created, body)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, int64(st.ID), st.Handle, st.IdempotencyKey, st.Created, st)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("status %d: %w", st.ID, store.ErrExists)
		}
		if st.Scheduled != 0 {
			if _, err := takeScheduled(ctx, tx, st.Scheduled); err != nil {
				return fmt.Errorf("scheduled status %d: %w", st.Scheduled, err)
			}
		}
		for _, doc := range []store.Document{note, create} {
			if err := putDocument(ctx, tx, doc); err != nil {
				return err
			}
		}
		if st.Visibility != store.VisibilityDirect {
			if err := putOutboxEntry(ctx, tx, st.Handle, st.Created, create.ID); err != nil {
				return err
			}
		}
		queued, err = queueStatusActivity(ctx, tx, st, create.ID, now)
		return err
	})
	if err != nil {
		return store.LocalStatus{}, 0, fmt.Errorf("publish status of %s: %w", st.Handle, err)
	}
	return saved, queued, nil
}

// sameRequest finds the post of st's account made with st's idempotency
// key within the window, after taking the key's lock for the transaction.
func sameRequest(ctx context.Context, tx pgx.Tx, st store.LocalStatus, now time.Time) (prev store.LocalStatus, found bool, err error) {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1 || chr(10) || $2, 0))", st.Handle, st.IdempotencyKey); err != nil {
		return prev, false, err
	}
	err = tx.QueryRow(ctx, `SELECT body FROM local_statuses WHERE handle = $1 AND idempotency_key = $2 AND created > $3
		ORDER BY created DESC LIMIT 1`, st.Handle, st.IdempotencyKey, now.Add(-store.IdempotencyWindow)).Scan(&prev)
	if notFound(err) {
		return prev, false, nil
	}
	return prev, err == nil, err
}

// queueStatusActivity queues activityID, about st, to the followers'
// inboxes (unless st is direct) and to st.Inboxes, each inbox once.
func queueStatusActivity(ctx context.Context, tx pgx.Tx, st store.LocalStatus, activityID string, now time.Time) (int, error) {
	var inboxes []string
	if st.Visibility != store.VisibilityDirect {
		var err error
		if inboxes, err = deliveryInboxes(ctx, tx, st.Handle); err != nil {
			return 0, err
		}
	}
	var relays store.RelayInboxes
	if st.Visibility == store.VisibilityPublic && len(st.Relays) > 0 {
		var err error
		if relays, err = relayInboxes(ctx, tx, st.Relays); err != nil {
			return 0, err
		}
	}
	toActivity, announced := st.RelayRoutes(slices.Concat(inboxes, st.Inboxes), relays)
	queued, err := putJobs(ctx, tx, store.Job{ActivityID: activityID, Handle: st.Handle, NextAttempt: now, Created: now}, unique(toActivity))
	if err != nil || len(announced) == 0 {
		return queued, err
	}
	if err := putDocument(ctx, tx, *st.RelayAnnounce); err != nil {
		return 0, err
	}
	n, err := putJobs(ctx, tx, store.Job{ActivityID: st.RelayAnnounce.ID, Handle: store.RelayHandle, NextAttempt: now, Created: now}, announced)
	return queued + n, err
}

// unique returns inboxes without repeats, in their order.
func unique(inboxes []string) []string {
	seen := map[string]bool{}
	out := inboxes[:0:0]
	for _, inbox := range inboxes {
		if !seen[inbox] {
			seen[inbox] = true
			out = append(out, inbox)
		}
	}
	return out
}

// LocalStatus returns the post with id; found is false when there is none
// (never made, or deleted).
func (s *Store) LocalStatus(id uint64) (st store.LocalStatus, found bool, err error) {
	return bodyByID[store.LocalStatus](s, "SELECT body FROM local_statuses WHERE id = $1", "status", id)
}

// LocalStatuses returns handle's posts, oldest first.
func (s *Store) LocalStatuses(handle string) ([]store.LocalStatus, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT body FROM local_statuses WHERE handle = $1 ORDER BY id", handle)
	if err != nil {
		return nil, fmt.Errorf("statuses of %s: %w", handle, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[store.LocalStatus])
	if err != nil {
		return nil, fmt.Errorf("statuses of %s: %w", handle, err)
	}
	if len(out) == 0 {
		out = nil
	}
	return out, nil
}

// DeleteStatus withdraws the post id, in one transaction: its record goes,
// its Note and Create are replaced by tombstone (their ids answer it from
// then on, as a withdrawn feed post's do), the Create leaves the outbox,
// and del (the Delete) is stored and queued to everyone the Create was
// queued for: the followers (unless it was direct) and its Inboxes. It
// returns the deleted record, or store.ErrNotFound.
func (s *Store) DeleteStatus(id uint64, tombstone, del store.Document, now time.Time) (deleted store.LocalStatus, queued int, err error) {
	if id > 1<<63-1 {
		return store.LocalStatus{}, 0, fmt.Errorf("delete status %d: %w", id, store.ErrNotFound)
	}
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		queued = 0
		err := tx.QueryRow(ctx, "DELETE FROM local_statuses WHERE id = $1 RETURNING body", int64(id)).Scan(&deleted)
		if notFound(err) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := withdraw(ctx, tx, deleted.Handle, tombstone, []string{deleted.ActivityID}, del); err != nil {
			return err
		}
		queued, err = queueStatusActivity(ctx, tx, deleted, del.ID, now)
		return err
	})
	if err != nil {
		return store.LocalStatus{}, 0, fmt.Errorf("delete status %d: %w", id, err)
	}
	return deleted, queued, nil
}
