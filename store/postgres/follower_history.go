package postgres

import (
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// RecordFollowerCounts samples every given account's follower count for
// the day of at (UTC), replacing that day's earlier sample, in one
// statement.
func (s *Store) RecordFollowerCounts(handles []string, at time.Time) error {
	// ON CONFLICT may not touch a row twice in one statement; sorted,
	// the handles' rows are locked in one order by every process.
	handles = slices.Compact(slices.Sorted(slices.Values(handles)))
	u := at.UTC()
	day := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	_, err := s.exec(`INSERT INTO follower_history (handle, day, count)
		SELECT h, $2, (SELECT count(*) FROM followers f WHERE f.handle = h) FROM unnest($1::text[]) AS h
		ON CONFLICT (handle, day) DO UPDATE SET count = excluded.count`, handles, day)
	if err != nil {
		return fmt.Errorf("record follower counts: %w", err)
	}
	return nil
}

// FollowerHistory returns handle's daily samples, oldest first.
func (s *Store) FollowerHistory(handle string) ([]store.DayCount, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT day, count FROM follower_history WHERE handle = $1 ORDER BY day", handle)
	if err != nil {
		return nil, fmt.Errorf("follower history of %s: %w", handle, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.DayCount, error) {
		var d store.DayCount
		err := row.Scan(&d.Day, &d.Count)
		d.Day = d.Day.UTC()
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("follower history of %s: %w", handle, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}
