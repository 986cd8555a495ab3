package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"herald/store"
)

// FeedState returns the state of handle's feed (zero when never polled).
func (s *Store) FeedState(handle string) (store.FeedState, error) {
	ctx, cancel := s.op()
	defer cancel()
	var st store.FeedState
	var raw []byte
	err := s.pool.QueryRow(ctx, "SELECT state FROM feeds WHERE handle = $1", handle).Scan(&raw)
	if notFound(err) {
		return st, nil
	}
	if err == nil {
		err = json.Unmarshal(raw, &st)
	}
	if err != nil {
		return store.FeedState{}, fmt.Errorf("feed state of %s: %w", handle, err)
	}
	return st, nil
}

// SaveFeedState replaces the state of handle's feed.
func (s *Store) SaveFeedState(handle string, st store.FeedState) error {
	ctx, cancel := s.op()
	defer cancel()
	if err := putFeedState(ctx, s.pool, handle, st); err != nil {
		return fmt.Errorf("save feed state of %s: %w", handle, err)
	}
	return nil
}

// putFeedState writes handle's feed state. Its row stays locked until the
// transaction ends, which makes the polls of one feed take turns.
func putFeedState(ctx context.Context, tx querier, handle string, st store.FeedState) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO feeds (handle, state) VALUES ($1, $2)
		ON CONFLICT (handle) DO UPDATE SET state = excluded.state`, handle, raw)
	return err
}
