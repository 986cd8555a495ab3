package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// flagColumns are the columns that scanFlag reads, in its order.
const flagColumns = "id, actor, objects, content, received"

// scanFlag reads a row of flagColumns. Objects is nil when there are none.
func scanFlag(row pgx.CollectableRow) (store.Flag, error) {
	var f store.Flag
	var received *time.Time
	err := row.Scan(&f.ID, &f.Actor, &f.Objects, &f.Content, &received)
	f.Received = fromTS(received)
	if len(f.Objects) == 0 {
		f.Objects = nil
	}
	return f, err
}

// AddFlag records f. The same id twice changes nothing (isNew false).
func (s *Store) AddFlag(f store.Flag) (isNew bool, err error) {
	ctx, cancel := s.op()
	defer cancel()
	objects := f.Objects
	if objects == nil {
		objects = []string{}
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO flags (`+flagColumns+`) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO NOTHING`, f.ID, f.Actor, objects, f.Content, ts(f.Received))
	if err != nil {
		return false, fmt.Errorf("add flag %s: %w", f.ID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Flags returns every stored report, ordered by id.
func (s *Store) Flags() ([]store.Flag, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT "+flagColumns+" FROM flags ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("flags: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanFlag)
	if err != nil {
		return nil, fmt.Errorf("flags: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// flagsBy reads the reports sent by actor, ordered by id; nil when none.
func flagsBy(ctx context.Context, q querier, actor string) ([]store.Flag, error) {
	rows, err := q.Query(ctx, "SELECT "+flagColumns+" FROM flags WHERE actor = $1 ORDER BY id", actor)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, scanFlag)
	if len(out) == 0 {
		out = nil
	}
	return out, err
}

// RemoveFlagsBy removes the reports sent by actor (when its account is
// deleted or erased), in one statement, and returns how many there were.
func (s *Store) RemoveFlagsBy(actor string) (n int, err error) {
	tag, err := s.exec("DELETE FROM flags WHERE actor = $1", actor)
	if err != nil {
		return 0, fmt.Errorf("remove flags of %s: %w", actor, err)
	}
	return int(tag.RowsAffected()), nil
}
