package postgres

// The outcomes of delivery attempts.
//
// A job is found by its (activity, inbox) and the due time of the copy
// the worker holds: a stale copy (the job finished, or moved by a retry
// or PostponeJobs) finds nothing. The outcomes that come together are
// recorded in one transaction (outcome_groups.go), which changes the
// jobs' rows (DELETE, or UPDATE ... WHERE next_attempt = the copy's),
// then the activities' counts, then the hosts' states, always in that
// order (counts and hosts each in the order of their keys), so that
// concurrent groups, also from several processes, take row locks in one
// order; a deadlock all the same is run again (inTx). Of two
// processes recording the same job at once, the second waits for the
// first's row lock and then finds nothing: an outcome is counted once,
// and none is lost, since counts are added in SQL (delivered = delivered
// + n), never read and written back.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// Record commits the outcome of one attempt: the job is removed
// (Delivered, Failed) or moved to o.Next with one more attempt (Retry),
// its activity's counts follow, and o.Host, when not nil, replaces the
// stored state of o.Host.Host. It returns the job as now queued (for
// Retry). It fails with store.ErrNotFound, changing nothing, when the job
// is no longer queued (finished or already moved), so a stale copy of a
// job cannot bring it back, duplicate it or count twice, and with
// store.ErrLeaseLost when o.Owner is set and another replica has taken
// the job's claim over. The job's claim ends with its outcome. Outcomes
// recorded at the same time share one transaction (outcome_groups.go);
// Record returns once its outcome is committed.
func (s *Store) Record(o store.Outcome) (store.Job, error) {
	res := outcomeResult{job: o.Job, err: checkOutcome(o)}
	if res.err == nil {
		res = s.recordGrouped(o)
	}
	if res.err != nil {
		return o.Job, fmt.Errorf("record delivery of %s to %s: %w", o.Job.ActivityID, o.Job.Inbox, res.err)
	}
	return res.job, nil
}

// recordAlone records o in a transaction of its own.
func (s *Store) recordAlone(o store.Outcome) outcomeResult {
	out := o.Job
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		var err error
		out, err = recordJob(ctx, tx, o)
		if err != nil {
			return err
		}
		if o.Kind != store.Retry {
			if err := countOutcome(ctx, tx, o); err != nil {
				return err
			}
		}
		if o.Host == nil {
			return nil
		}
		return putHost(ctx, tx, *o.Host)
	})
	if err != nil {
		return outcomeResult{job: o.Job, err: err}
	}
	return outcomeResult{job: out}
}

// checkOutcome fails for an unknown kind and a retry at a time out of range.
func checkOutcome(o store.Outcome) error {
	switch o.Kind {
	case store.Delivered, store.Failed:
		return nil
	case store.Retry:
		return checkJobTime("next attempt", o.Next)
	}
	return fmt.Errorf("unknown outcome kind %d", o.Kind)
}

// recordJob removes or moves the job of o and returns it as now queued;
// store.ErrNotFound when it is not queued at o.Job.NextAttempt, and
// store.ErrLeaseLost when o.Owner is set and does not hold its claim. A
// retried job is rewritten from o.Job, as the bbolt store does, without
// a claim.
func recordJob(ctx context.Context, tx pgx.Tx, o store.Outcome) (store.Job, error) {
	j := o.Job
	if o.Kind != store.Retry {
		tag, err := tx.Exec(ctx, `DELETE FROM jobs WHERE activity_id = $1 AND inbox = $2 AND next_attempt = $3
			AND ($4 = '' OR lease_owner = $4)`,
			j.ActivityID, j.Inbox, j.NextAttempt, o.Owner)
		if err == nil && tag.RowsAffected() == 0 {
			err = missing(ctx, tx, o)
		}
		return j, err
	}
	rows, err := tx.Query(ctx, `UPDATE jobs SET handle = $4, attempts = $5, next_attempt = $6, last_error = $7,
			created = $8, sign_with = $9, lease_owner = NULL, lease_until = NULL
		WHERE activity_id = $1 AND inbox = $2 AND next_attempt = $3 AND ($10 = '' OR lease_owner = $10)
		RETURNING `+jobColumns,
		j.ActivityID, j.Inbox, j.NextAttempt, j.Handle, j.Attempts+1, o.Next, o.Error, j.Created, j.SignWith, o.Owner)
	if err != nil {
		return j, err
	}
	moved, err := pgx.CollectExactlyOneRow(rows, scanJob)
	if notFound(err) {
		err = missing(ctx, tx, o)
	}
	return moved, err
}

// missing tells why o found no job: store.ErrLeaseLost when the job is
// queued at o.Job.NextAttempt but claimed by another owner than o.Owner,
// else store.ErrNotFound.
func missing(ctx context.Context, tx pgx.Tx, o store.Outcome) error {
	if o.Owner == "" {
		return store.ErrNotFound
	}
	var queued bool
	err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM jobs WHERE activity_id = $1 AND inbox = $2 AND next_attempt = $3)",
		o.Job.ActivityID, o.Job.Inbox, o.Job.NextAttempt).Scan(&queued)
	switch {
	case err != nil:
		return err
	case queued:
		return store.ErrLeaseLost
	}
	return store.ErrNotFound
}

// countOutcome counts a delivered or given-up job in its activity's
// stats; a job given up sets the activity's last error.
func countOutcome(ctx context.Context, tx pgx.Tx, o store.Outcome) error {
	delivered, failed := 1, 0
	if o.Kind == store.Failed {
		delivered, failed = 0, 1
	}
	_, err := tx.Exec(ctx, `INSERT INTO activity_stats (activity_id, queued, delivered, failed, last_error)
		VALUES ($1, 0, $2, $3, $4)
		ON CONFLICT (activity_id) DO UPDATE SET
			delivered = activity_stats.delivered + excluded.delivered,
			failed = activity_stats.failed + excluded.failed,
			last_error = CASE WHEN excluded.failed > 0 THEN excluded.last_error ELSE activity_stats.last_error END`,
		o.Job.ActivityID, delivered, failed, o.Error)
	if err != nil {
		return fmt.Errorf("count the outcome: %w", err)
	}
	return nil
}

// putHost replaces the stored state of h.Host. The cooldown is kept to
// the microsecond.
func putHost(ctx context.Context, tx pgx.Tx, h store.HostState) error {
	_, err := tx.Exec(ctx, `INSERT INTO hosts (host, state, failures, last_error, last_failure, last_success, held_until, cooldown)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (host) DO UPDATE SET state = excluded.state, failures = excluded.failures,
			last_error = excluded.last_error, last_failure = excluded.last_failure,
			last_success = excluded.last_success, held_until = excluded.held_until, cooldown = excluded.cooldown`,
		h.Host, h.State, h.Failures, h.LastError, ts(h.LastFailure), ts(h.LastSuccess), ts(h.HeldUntil), h.Cooldown)
	if err != nil {
		return fmt.Errorf("store the state of host %s: %w", h.Host, err)
	}
	return nil
}

// FinishJob removes a delivered job. Removing a job that is not queued is
// not an error.
func (s *Store) FinishJob(j store.Job) error {
	_, err := s.Record(store.Outcome{Job: j, Kind: store.Delivered})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// RetryJob records a failed attempt and moves j to next. It returns the
// updated job. It fails with store.ErrNotFound, queuing nothing, when j is
// no longer queued (finished or already moved), so that a stale copy of a
// job cannot bring it back or duplicate it.
func (s *Store) RetryJob(j store.Job, next time.Time, lastErr string) (store.Job, error) {
	return s.Record(store.Outcome{Job: j, Kind: store.Retry, Next: next, Error: lastErr})
}
