package postgres

// The statements of a group of outcomes (outcome_groups.go): what Record
// does for one outcome, for many at once.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// removeJobs removes, with one statement, the jobs of the delivered and
// given-up outcomes of reqs (visited in order) and sets their results:
// the job, or why it was not found (see missing).
func removeJobs(ctx context.Context, tx pgx.Tx, reqs []outcomeRequest, order []int, results []outcomeResult) error {
	var idx []int
	var activities, inboxes, owners []string
	var dues []time.Time
	for _, i := range order {
		o := reqs[i].o
		if o.Kind == store.Retry {
			continue
		}
		idx = append(idx, i)
		activities, inboxes = append(activities, o.Job.ActivityID), append(inboxes, o.Job.Inbox)
		dues, owners = append(dues, o.Job.NextAttempt), append(owners, o.Owner)
		results[i] = outcomeResult{job: o.Job}
	}
	if len(idx) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `DELETE FROM jobs
		USING unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) AS o(activity_id, inbox, next_attempt, owner)
		WHERE jobs.activity_id = o.activity_id AND jobs.inbox = o.inbox AND jobs.next_attempt = o.next_attempt
			AND (o.owner = '' OR jobs.lease_owner = o.owner)
		RETURNING jobs.activity_id, jobs.inbox`, activities, inboxes, dues, owners)
	if err != nil {
		return err
	}
	removed := map[[2]string]bool{}
	var pair [2]string
	if _, err := pgx.ForEachRow(rows, []any{&pair[0], &pair[1]}, func() error { removed[pair] = true; return nil }); err != nil {
		return err
	}
	for _, i := range idx {
		if o := reqs[i].o; !removed[[2]string{o.Job.ActivityID, o.Job.Inbox}] {
			results[i].err = missing(ctx, tx, o)
			if !errors.Is(results[i].err, store.ErrNotFound) && !errors.Is(results[i].err, store.ErrLeaseLost) {
				return results[i].err
			}
		}
	}
	return nil
}

// activityCounts are what a group adds to one activity's stats.
type activityCounts struct {
	delivered, failed int
	lastError         string // of the last job given up
}

// countOutcomes adds the delivered and given-up jobs of reqs whose
// outcome was recorded (results) to their activities' stats: one row per
// activity, in the order of activity ids.
func countOutcomes(ctx context.Context, tx pgx.Tx, reqs []outcomeRequest, results []outcomeResult) error {
	byActivity := map[string]*activityCounts{}
	for i, r := range reqs {
		if results[i].err != nil || r.o.Kind == store.Retry {
			continue
		}
		c := byActivity[r.o.Job.ActivityID]
		if c == nil {
			c = &activityCounts{}
			byActivity[r.o.Job.ActivityID] = c
		}
		if r.o.Kind == store.Delivered {
			c.delivered++
		} else {
			c.failed++
			c.lastError = r.o.Error
		}
	}
	if len(byActivity) == 0 {
		return nil
	}
	ids := make([]string, 0, len(byActivity))
	for id := range byActivity {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	delivered, failed, lastErrors := make([]int, len(ids)), make([]int, len(ids)), make([]string, len(ids))
	for i, id := range ids {
		c := byActivity[id]
		delivered[i], failed[i], lastErrors[i] = c.delivered, c.failed, c.lastError
	}
	_, err := tx.Exec(ctx, `INSERT INTO activity_stats (activity_id, queued, delivered, failed, last_error)
		SELECT activity_id, 0, delivered, failed, last_error
			FROM unnest($1::text[], $2::int[], $3::int[], $4::text[]) AS c(activity_id, delivered, failed, last_error)
		ON CONFLICT (activity_id) DO UPDATE SET
			delivered = activity_stats.delivered + excluded.delivered,
			failed = activity_stats.failed + excluded.failed,
			last_error = CASE WHEN excluded.failed > 0 THEN excluded.last_error ELSE activity_stats.last_error END`,
		ids, delivered, failed, lastErrors)
	if err != nil {
		return fmt.Errorf("count the outcomes: %w", err)
	}
	return nil
}

// putHosts stores the host states of the recorded outcomes of reqs: per
// host the last one, in the order of host names.
func putHosts(ctx context.Context, tx pgx.Tx, reqs []outcomeRequest, results []outcomeResult) error {
	last := map[string]store.HostState{}
	for i, r := range reqs {
		if results[i].err == nil && r.o.Host != nil {
			last[r.o.Host.Host] = *r.o.Host
		}
	}
	hosts := make([]string, 0, len(last))
	for h := range last {
		hosts = append(hosts, h)
	}
	slices.Sort(hosts)
	for _, h := range hosts {
		if err := putHost(ctx, tx, last[h]); err != nil {
			return err
		}
	}
	return nil
}
