package postgres

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// The delivery queue: one row in jobs per (activity, inbox) to deliver,
// the activity's body stored once in documents, its counts in
// activity_stats. Queueing a pair that is queued already changes nothing.

// putJobs queues template's activity for each of inboxes (the template's
// own Inbox is ignored) unless that pair is queued already, and counts
// the new jobs in the activity's stats once. It returns how many jobs
// were new.
func putJobs(ctx context.Context, tx pgx.Tx, template store.Job, inboxes []string) (queued int, err error) {
	if len(inboxes) == 0 {
		return 0, nil
	}
	if err := checkJobTime("next attempt", template.NextAttempt); err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO jobs (activity_id, inbox, handle, attempts, next_attempt, last_error, created, sign_with)
		SELECT $1, inbox, $2, $3, $4, $5, $6, $7 FROM unnest($8::text[]) AS inbox
		ON CONFLICT (activity_id, inbox) DO NOTHING`,
		template.ActivityID, template.Handle, template.Attempts, template.NextAttempt, template.LastError,
		template.Created, template.SignWith, inboxes)
	if err != nil {
		return 0, fmt.Errorf("queue %s: %w", template.ActivityID, err)
	}
	if queued = int(tag.RowsAffected()); queued == 0 {
		return 0, nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO activity_stats (activity_id, queued, delivered, failed, last_error)
		VALUES ($1, $2, 0, 0, '')
		ON CONFLICT (activity_id) DO UPDATE SET queued = activity_stats.queued + excluded.queued`,
		template.ActivityID, queued)
	if err != nil {
		return 0, fmt.Errorf("count the jobs of %s: %w", template.ActivityID, err)
	}
	return queued, nil
}

// checkJobTime fails when t, the field called name, is outside the range
// of the bbolt store's job keys (the zero time, for one), so that both
// stores accept the same jobs.
func checkJobTime(name string, t time.Time) error {
	if t.Before(minOutboxTime) || t.After(maxOutboxTime) {
		return fmt.Errorf("%s %s: out of range", name, t.Format(time.RFC3339))
	}
	return nil
}

// jobColumns are the columns that scanJob reads, in its order.
const jobColumns = "activity_id, inbox, handle, attempts, next_attempt, last_error, created, sign_with"

// scanJob reads a row of jobColumns, its times in UTC.
func scanJob(row pgx.CollectableRow) (store.Job, error) {
	var j store.Job
	err := row.Scan(&j.ActivityID, &j.Inbox, &j.Handle, &j.Attempts, &j.NextAttempt, &j.LastError, &j.Created, &j.SignWith)
	j.NextAttempt, j.Created = j.NextAttempt.UTC(), j.Created.UTC()
	return j, err
}

// DueJobs returns up to limit jobs due at now, earliest first (then by
// activity id and inbox), passing over those for which skip returns true
// (for example, jobs already in flight). It reads the due jobs in chunks,
// from one snapshot, until it has limit of them.
func (s *Store) DueJobs(now time.Time, limit int, skip func(store.Job) bool) ([]store.Job, error) {
	if limit <= 0 {
		return nil, nil
	}
	chunk := max(2*limit, 256)
	var jobs []store.Job
	err := s.read(func(ctx context.Context, tx pgx.Tx) error {
		jobs = nil
		after := store.Job{NextAttempt: time.Unix(0, math.MinInt64)} // before every job
		for {
			page, err := dueAfter(ctx, tx, now, after, chunk)
			if err != nil {
				return err
			}
			for _, j := range page {
				if skip == nil || !skip(j) {
					jobs = append(jobs, j)
				}
				if len(jobs) == limit {
					return nil
				}
			}
			if len(page) < chunk {
				return nil
			}
			after = page[len(page)-1]
		}
	})
	if err != nil {
		return nil, fmt.Errorf("due jobs: %w", err)
	}
	return jobs, nil
}

// dueAfter reads up to n jobs due at now that sort after the job after.
func dueAfter(ctx context.Context, tx pgx.Tx, now time.Time, after store.Job, n int) ([]store.Job, error) {
	rows, err := tx.Query(ctx, `SELECT `+jobColumns+`
		FROM jobs WHERE next_attempt <= $1 AND (next_attempt, activity_id, inbox) > ($2, $3, $4)
		ORDER BY next_attempt, activity_id, inbox LIMIT $5`, now, after.NextAttempt, after.ActivityID, after.Inbox, n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanJob)
}

// DueJobsFunc is DueJobs with the bbolt store's cheaper filter: skip sees
// the activity id and inbox of a due job. The byte slices are valid only
// during the call.
func (s *Store) DueJobsFunc(now time.Time, limit int, skip func(activityID, inbox []byte) bool) ([]store.Job, error) {
	if skip == nil {
		return s.DueJobs(now, limit, nil)
	}
	return s.DueJobs(now, limit, func(j store.Job) bool { return skip([]byte(j.ActivityID), []byte(j.Inbox)) })
}

// NextDue returns when the earliest job is due; ok is false when the queue is empty.
func (s *Store) NextDue() (at time.Time, ok bool, err error) {
	ctx, cancel := s.op()
	defer cancel()
	var next *time.Time
	if err := s.pool.QueryRow(ctx, "SELECT min(next_attempt) FROM jobs").Scan(&next); err != nil {
		return time.Time{}, false, fmt.Errorf("next due job: %w", err)
	}
	if next == nil {
		return time.Time{}, false, nil
	}
	return next.UTC(), true, nil
}

// PendingJobs returns how many deliveries are queued.
func (s *Store) PendingJobs() (int, error) {
	ctx, cancel := s.op()
	defer cancel()
	var n int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM jobs").Scan(&n); err != nil {
		return 0, fmt.Errorf("pending jobs: %w", err)
	}
	return n, nil
}

// DeliveryStats returns the delivery counts of activityID; found is false
// when no job was ever queued for it.
func (s *Store) DeliveryStats(activityID string) (st store.ActivityStats, found bool, err error) {
	ctx, cancel := s.op()
	defer cancel()
	err = s.pool.QueryRow(ctx, "SELECT queued, delivered, failed, last_error FROM activity_stats WHERE activity_id = $1", activityID).
		Scan(&st.Queued, &st.Delivered, &st.Failed, &st.LastError)
	if notFound(err) {
		return store.ActivityStats{}, false, nil
	}
	if err != nil {
		return store.ActivityStats{}, false, fmt.Errorf("delivery stats of %s: %w", activityID, err)
	}
	return st, true, nil
}
