package postgres

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// QueueStats reads the queue's depth, due count and oldest job at now, in
// one statement. It reads every job, so it is meant for metrics and admin
// pages, not hot paths.
func (s *Store) QueueStats(now time.Time) (store.QueueStats, error) {
	ctx, cancel := s.op()
	defer cancel()
	var q store.QueueStats
	var oldest, next *time.Time
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE next_attempt <= $1), min(created), min(next_attempt)
		FROM jobs`, now).Scan(&q.Depth, &q.Due, &oldest, &next)
	if err != nil {
		return store.QueueStats{}, fmt.Errorf("queue stats: %w", err)
	}
	q.OldestCreated, q.NextDue = fromTS(oldest), fromTS(next)
	return q, nil
}

// Hosts returns the stored state of every host that has failed at least
// once, by host name.
func (s *Store) Hosts() (map[string]store.HostState, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT host, state, failures, last_error, last_failure, last_success, held_until, cooldown
		FROM hosts`)
	if err != nil {
		return nil, fmt.Errorf("hosts: %w", err)
	}
	out := map[string]store.HostState{}
	var h store.HostState
	var failure, success, held *time.Time
	_, err = pgx.ForEachRow(rows, []any{&h.Host, &h.State, &h.Failures, &h.LastError, &failure, &success, &held, &h.Cooldown}, func() error {
		h.LastFailure, h.LastSuccess, h.HeldUntil = fromTS(failure), fromTS(success), fromTS(held)
		out[h.Host] = h
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hosts: %w", err)
	}
	return out, nil
}
