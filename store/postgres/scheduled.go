package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// maxID is the largest id a bigint column holds; larger ids are never
// stored.
const maxID = 1<<63 - 1

// AddScheduledStatus stores s; a taken id fails with store.ErrExists.
func (s *Store) AddScheduledStatus(st store.ScheduledStatus) error {
	if st.ID == 0 || st.ID > maxID || st.Handle == "" || st.ScheduledAt.IsZero() {
		return errors.New("schedule status: id, handle and scheduled at are required")
	}
	ctx, cancel := s.op()
	defer cancel()
	tag, err := s.pool.Exec(ctx, `INSERT INTO scheduled_statuses (id, handle, scheduled_at, body) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO NOTHING`, int64(st.ID), st.Handle, st.ScheduledAt, st)
	if err != nil {
		return fmt.Errorf("schedule status of %s: %w", st.Handle, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("scheduled status %d: %w", st.ID, store.ErrExists)
	}
	return nil
}

// ScheduledStatus returns the scheduled post id; found is false when there
// is none (never scheduled, cancelled or published).
func (s *Store) ScheduledStatus(id uint64) (st store.ScheduledStatus, found bool, err error) {
	return bodyByID[store.ScheduledStatus](s, "SELECT body FROM scheduled_statuses WHERE id = $1", "scheduled status", id)
}

// bodyByID reads the JSON body of the row with id (query selects it by
// $1) into a T; found is false when there is none, or when id is beyond
// what a bigint holds (no row has it).
func bodyByID[T any](s *Store, query, what string, id uint64) (v T, found bool, err error) {
	if id > maxID {
		return v, false, nil
	}
	ctx, cancel := s.op()
	defer cancel()
	err = s.pool.QueryRow(ctx, query, int64(id)).Scan(&v)
	if notFound(err) {
		var zero T
		return zero, false, nil
	}
	if err != nil {
		var zero T
		return zero, false, fmt.Errorf("%s %d: %w", what, id, err)
	}
	return v, true, nil
}

// ScheduledStatuses returns handle's scheduled posts by id, oldest first.
func (s *Store) ScheduledStatuses(handle string) ([]store.ScheduledStatus, error) {
	return s.scheduledWhere("SELECT body FROM scheduled_statuses WHERE handle = $1 ORDER BY id", handle)
}

// DueScheduledStatuses returns up to limit scheduled posts of any account
// whose time has come (ScheduledAt not after now), the earliest first.
func (s *Store) DueScheduledStatuses(now time.Time, limit int) ([]store.ScheduledStatus, error) {
	return s.scheduledWhere(`SELECT body FROM scheduled_statuses WHERE scheduled_at <= $1
		ORDER BY scheduled_at, id LIMIT $2`, now, max(limit, 0))
}

// scheduledWhere returns the scheduled posts query selects.
func (s *Store) scheduledWhere(query string, args ...any) ([]store.ScheduledStatus, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("scheduled statuses: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[store.ScheduledStatus])
	if err != nil {
		return nil, fmt.Errorf("scheduled statuses: %w", err)
	}
	if len(out) == 0 {
		out = nil
	}
	return out, nil
}

// RescheduleStatus moves the scheduled post id to at and returns it, or
// store.ErrNotFound.
func (s *Store) RescheduleStatus(id uint64, at time.Time) (st store.ScheduledStatus, err error) {
	if id > maxID {
		return st, fmt.Errorf("reschedule status %d: %w", id, store.ErrNotFound)
	}
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		err := tx.QueryRow(ctx, "SELECT body FROM scheduled_statuses WHERE id = $1 FOR UPDATE", int64(id)).Scan(&st)
		if notFound(err) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		st.ScheduledAt = at
		_, err = tx.Exec(ctx, "UPDATE scheduled_statuses SET scheduled_at = $2, body = $3 WHERE id = $1", int64(id), at, st)
		return err
	})
	if err != nil {
		return store.ScheduledStatus{}, fmt.Errorf("reschedule status %d: %w", id, err)
	}
	return st, nil
}

// CancelScheduledStatus removes the scheduled post id and returns it, or
// store.ErrNotFound.
func (s *Store) CancelScheduledStatus(id uint64) (st store.ScheduledStatus, err error) {
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		var err error
		st, err = takeScheduled(ctx, tx, id)
		return err
	})
	if err != nil {
		return store.ScheduledStatus{}, fmt.Errorf("cancel scheduled status %d: %w", id, err)
	}
	return st, nil
}

// takeScheduled deletes the scheduled post id in tx and returns it, or
// store.ErrNotFound. Of two transactions taking one post, the second
// waits for the first and then finds nothing.
func takeScheduled(ctx context.Context, tx pgx.Tx, id uint64) (st store.ScheduledStatus, err error) {
	if id > maxID {
		return st, store.ErrNotFound
	}
	err = tx.QueryRow(ctx, "DELETE FROM scheduled_statuses WHERE id = $1 RETURNING body", int64(id)).Scan(&st)
	if notFound(err) {
		return st, store.ErrNotFound
	}
	return st, err
}
