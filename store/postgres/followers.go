package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// Followers returns handle's followers, ordered by id.
func (s *Store) Followers(handle string) ([]store.Follower, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT id, inbox, shared_inbox, follow_id, since FROM followers
		WHERE handle = $1 ORDER BY id`, handle)
	if err != nil {
		return nil, fmt.Errorf("followers of %s: %w", handle, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Follower, error) {
		var f store.Follower
		var since *time.Time
		err := row.Scan(&f.ID, &f.Inbox, &f.SharedInbox, &f.FollowID, &since)
		f.Since = fromTS(since)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("followers of %s: %w", handle, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// FollowerCount returns how many followers handle has.
func (s *Store) FollowerCount(handle string) (int, error) {
	ctx, cancel := s.op()
	defer cancel()
	var n int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM followers WHERE handle = $1", handle).Scan(&n); err != nil {
		return 0, fmt.Errorf("count followers of %s: %w", handle, err)
	}
	return n, nil
}

// ImportFollowers records followers of handle in one transaction, without
// queueing Accepts: for moving an audience from another server and for
// benchmarks that need many followers at once. A follower already present
// keeps its record. It returns how many were added; a follower without an
// id or inbox fails the whole import.
func (s *Store) ImportFollowers(handle string, followers []store.Follower) (added int, err error) {
	cols := make([][]string, 4) // id, inbox, shared inbox, follow id
	since := make([]*time.Time, len(followers))
	for i, f := range followers {
		if f.ID == "" || f.Inbox == "" {
			return 0, fmt.Errorf("import followers of %s: follower %q: id and inbox are required", handle, f.ID)
		}
		for c, v := range []string{f.ID, f.Inbox, f.SharedInbox, f.FollowID} {
			cols[c] = append(cols[c], v)
		}
		if !f.Since.IsZero() {
			since[i] = &followers[i].Since
		}
	}
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO followers (handle, id, inbox, shared_inbox, follow_id, since)
			SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
			ON CONFLICT (handle, id) DO NOTHING`, handle, cols[0], cols[1], cols[2], cols[3], since)
		added = int(tag.RowsAffected())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("import followers of %s: %w", handle, err)
	}
	return added, nil
}
