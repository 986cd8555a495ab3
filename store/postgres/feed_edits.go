package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// AddFeedEdit records e (its Seq is ignored) and returns its seq. Writers
// take turns (a table lock held to the commit), so seqs become visible in
// their order: a replica that has seen seq n has seen every edit before it.
func (s *Store) AddFeedEdit(e store.FeedEdit) (int64, error) {
	var seq int64
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "LOCK TABLE feed_edits IN SHARE ROW EXCLUSIVE MODE"); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO feed_edits (op, handle, url, name, summary, at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
			e.Op, e.Handle, e.URL, e.Name, e.Summary, e.At.UTC()).Scan(&seq)
	})
	if err != nil {
		return 0, fmt.Errorf("record feed edit of %s: %w", e.Handle, err)
	}
	return seq, nil
}

// FeedEdits returns every feed edit, oldest first.
func (s *Store) FeedEdits() ([]store.FeedEdit, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT seq, op, handle, url, name, summary, at FROM feed_edits ORDER BY seq")
	if err != nil {
		return nil, fmt.Errorf("feed edits: %w", err)
	}
	defer rows.Close()
	var edits []store.FeedEdit
	for rows.Next() {
		var e store.FeedEdit
		var at time.Time
		if err := rows.Scan(&e.Seq, &e.Op, &e.Handle, &e.URL, &e.Name, &e.Summary, &at); err != nil {
			return nil, fmt.Errorf("feed edits: %w", err)
		}
		e.At = at.UTC()
		edits = append(edits, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("feed edits: %w", err)
	}
	return edits, nil
}

// LastFeedEdit returns the seq of the newest feed edit (0 when there is
// none): a replica that has applied the edits up to it is up to date.
func (s *Store) LastFeedEdit() (int64, error) {
	ctx, cancel := s.op()
	defer cancel()
	var seq int64
	if err := s.pool.QueryRow(ctx, "SELECT coalesce(max(seq), 0) FROM feed_edits").Scan(&seq); err != nil {
		return 0, fmt.Errorf("last feed edit: %w", err)
	}
	return seq, nil
}
