package postgres

// Claims on delivery jobs (see package store, claims.go): a job claimed
// by a replica has its id in lease_owner and the end of the claim in
// lease_until. ClaimJobs locks the due jobs it reads with FOR UPDATE SKIP
// LOCKED, so replicas claiming at once pass over each other's rows instead
// of waiting for them, and no job is handed to two replicas.

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// ClaimJobs claims for owner, until until, up to limit jobs due at now
// that no one holds (never claimed, released, or their lease ended before
// now), earliest first, passing over those that skip (if not nil) rejects
// by activity id and inbox; the byte slices are valid only during the
// call. takenOver counts the jobs whose claim by another owner had ended.
// The jobs are the owner's until it records their outcomes, releases them
// or its lease ends. The due jobs are read in chunks; the rows read are
// locked until the claim commits, and other replicas skip them meanwhile.
func (s *Store) ClaimJobs(owner string, now, until time.Time, limit int, skip func(activityID, inbox []byte) bool) (jobs []store.Job, takenOver int, err error) {
	if limit <= 0 {
		return nil, 0, nil
	}
	if err := checkJobTime("lease end", until); err != nil {
		return nil, 0, err
	}
	err = s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		var prev []string
		var err error
		takenOver = 0
		if jobs, prev, err = claimable(ctx, tx, now, limit, skip); err != nil || len(jobs) == 0 {
			return err
		}
		for _, p := range prev {
			if p != "" && p != owner {
				takenOver++
			}
		}
		activities, inboxes := pairs(jobs)
		_, err = tx.Exec(ctx, `UPDATE jobs SET lease_owner = $1, lease_until = $2
			FROM unnest($3::text[], $4::text[]) AS c(activity_id, inbox)
			WHERE jobs.activity_id = c.activity_id AND jobs.inbox = c.inbox`, owner, until, activities, inboxes)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("claim due jobs: %w", err)
	}
	return jobs, takenOver, nil
}

// claimable reads and locks up to limit jobs that ClaimJobs may claim,
// with the owners of their ended claims ("" for none).
func claimable(ctx context.Context, tx pgx.Tx, now time.Time, limit int, skip func(activityID, inbox []byte) bool) (jobs []store.Job, prev []string, err error) {
	chunk := max(2*limit, 256)
	after := store.Job{NextAttempt: time.Unix(0, math.MinInt64)} // before every job
	for {
		rows, err := tx.Query(ctx, `SELECT `+jobColumns+`, coalesce(lease_owner, '')
			FROM jobs WHERE next_attempt <= $1 AND (next_attempt, activity_id, inbox) > ($2, $3, $4)
				AND (lease_until IS NULL OR lease_until < $1)
			ORDER BY next_attempt, activity_id, inbox LIMIT $5
			FOR UPDATE SKIP LOCKED`, now, after.NextAttempt, after.ActivityID, after.Inbox, chunk)
		if err != nil {
			return nil, nil, err
		}
		var owners []string
		page, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.Job, error) {
			var j store.Job
			var owner string
			err := row.Scan(&j.ActivityID, &j.Inbox, &j.Handle, &j.Attempts, &j.NextAttempt, &j.LastError, &j.Created, &j.SignWith, &owner)
			j.NextAttempt, j.Created = j.NextAttempt.UTC(), j.Created.UTC()
			owners = append(owners, owner)
			return j, err
		})
		if err != nil {
			return nil, nil, err
		}
		for i, j := range page {
			if skip == nil || !skip([]byte(j.ActivityID), []byte(j.Inbox)) {
				jobs, prev = append(jobs, j), append(prev, owners[i])
				if len(jobs) == limit {
					return jobs, prev, nil
				}
			}
		}
		if len(page) < chunk {
			return jobs, prev, nil
		}
		after = page[len(page)-1]
	}
}

// pairs returns the activity ids and inboxes of jobs, as two arrays.
func pairs(jobs []store.Job) (activities, inboxes []string) {
	activities, inboxes = make([]string, len(jobs)), make([]string, len(jobs))
	for i, j := range jobs {
		activities[i], inboxes[i] = j.ActivityID, j.Inbox
	}
	return activities, inboxes
}

// RenewClaims moves the lease end of those of jobs that owner still
// holds to until, and returns how many it holds.
func (s *Store) RenewClaims(owner string, jobs []store.Job, until time.Time) (int, error) {
	if len(jobs) == 0 {
		return 0, nil
	}
	activities, inboxes := pairs(jobs)
	tag, err := s.exec(`UPDATE jobs SET lease_until = $2
		FROM unnest($3::text[], $4::text[]) AS c(activity_id, inbox)
		WHERE jobs.activity_id = c.activity_id AND jobs.inbox = c.inbox AND jobs.lease_owner = $1`,
		owner, until, activities, inboxes)
	if err != nil {
		return 0, fmt.Errorf("renew the claims of %s: %w", owner, err)
	}
	return int(tag.RowsAffected()), nil
}

// ReleaseClaims gives up owner's claims on jobs (those it holds), so that
// any replica may claim them at once.
func (s *Store) ReleaseClaims(owner string, jobs []store.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	activities, inboxes := pairs(jobs)
	_, err := s.exec(`UPDATE jobs SET lease_owner = NULL, lease_until = NULL
		FROM unnest($2::text[], $3::text[]) AS c(activity_id, inbox)
		WHERE jobs.activity_id = c.activity_id AND jobs.inbox = c.inbox AND jobs.lease_owner = $1`,
		owner, activities, inboxes)
	if err != nil {
		return fmt.Errorf("release claims of %s: %w", owner, err)
	}
	return nil
}

// ReleaseAllClaims gives up every claim of owner on jobs (at shutdown)
// and returns how many there were.
func (s *Store) ReleaseAllClaims(owner string) (int, error) {
	tag, err := s.exec("UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1", owner)
	if err != nil {
		return 0, fmt.Errorf("release the claims of %s: %w", owner, err)
	}
	return int(tag.RowsAffected()), nil
}

// ClaimStats describes the claims on jobs by owner, ordered by owner,
// those whose lease has ended included.
func (s *Store) ClaimStats() ([]store.ReplicaClaims, error) {
	ctx, cancel := s.op()
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT lease_owner, count(*), min(created), max(lease_until)
		FROM jobs WHERE lease_owner IS NOT NULL GROUP BY lease_owner ORDER BY lease_owner`)
	if err != nil {
		return nil, fmt.Errorf("claim stats: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.ReplicaClaims, error) {
		var r store.ReplicaClaims
		var until *time.Time
		err := row.Scan(&r.Owner, &r.Jobs, &r.OldestCreated, &until)
		r.OldestCreated, r.Until = r.OldestCreated.UTC(), fromTS(until)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("claim stats: %w", err)
	}
	return out, nil
}
