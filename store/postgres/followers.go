package postgres

import (
	"context"
	"fmt"
	"slices"
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

// putFollower stores f as a follower of handle; a follower already there
// keeps its Since. isNew tells whether f was inserted. The insert and the
// update are two statements: a follower removed by another transaction
// between them is inserted again.
func putFollower(ctx context.Context, tx pgx.Tx, handle string, f store.Follower) (isNew bool, err error) {
	for range maxTries {
		tag, err := tx.Exec(ctx, `INSERT INTO followers (handle, id, inbox, shared_inbox, follow_id, since)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (handle, id) DO NOTHING`,
			handle, f.ID, f.Inbox, f.SharedInbox, f.FollowID, ts(f.Since))
		if err != nil {
			return false, err
		}
		if tag.RowsAffected() == 1 {
			return true, nil
		}
		tag, err = tx.Exec(ctx, `UPDATE followers SET inbox = $3, shared_inbox = $4, follow_id = $5
			WHERE handle = $1 AND id = $2`, handle, f.ID, f.Inbox, f.SharedInbox, f.FollowID)
		if err != nil || tag.RowsAffected() == 1 {
			return false, err
		}
	}
	return false, fmt.Errorf("follower %s: removed and added again meanwhile %d times", f.ID, maxTries)
}

// RemoveFollower removes followerID from handle's followers. removed is
// false when it was not a follower.
func (s *Store) RemoveFollower(handle, followerID string) (removed bool, err error) {
	ctx, cancel := s.op()
	defer cancel()
	tag, err := s.pool.Exec(ctx, "DELETE FROM followers WHERE handle = $1 AND id = $2", handle, followerID)
	if err != nil {
		return false, fmt.Errorf("remove follower %s from %s: %w", followerID, handle, err)
	}
	return tag.RowsAffected() == 1, nil
}

// RemoveFollowersAt removes every follower of handle whose inbox or shared
// inbox is inbox (used when that inbox answers 410 Gone), in one
// statement. It returns the ids removed, in order.
func (s *Store) RemoveFollowersAt(handle, inbox string) (removed []string, err error) {
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `DELETE FROM followers WHERE handle = $1 AND (inbox = $2 OR shared_inbox = $2)
			RETURNING id`, handle, inbox)
		if err == nil {
			removed, err = pgx.CollectRows(rows, pgx.RowTo[string])
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("remove followers of %s at %s: %w", handle, inbox, err)
	}
	if len(removed) == 0 {
		return nil, nil
	}
	slices.Sort(removed)
	return removed, nil
}

// MoveFollower replaces the follower oldID of handle by to (a Move of the
// follower's account), keeping the original Since, in one transaction.
// moved is false when oldID did not follow handle.
func (s *Store) MoveFollower(handle, oldID string, to store.Follower) (moved bool, err error) {
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		moved = false
		var since *time.Time
		err := tx.QueryRow(ctx, "DELETE FROM followers WHERE handle = $1 AND id = $2 RETURNING since", handle, oldID).Scan(&since)
		if notFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		moved = true
		_, err = tx.Exec(ctx, `INSERT INTO followers (handle, id, inbox, shared_inbox, follow_id, since)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (handle, id) DO UPDATE SET inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
				follow_id = excluded.follow_id, since = excluded.since`,
			handle, to.ID, to.Inbox, to.SharedInbox, to.FollowID, since)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("move follower %s of %s: %w", oldID, handle, err)
	}
	return moved, nil
}
