package postgres

// The statements of a group of Follows (follow_groups.go): what
// addFollowerAlone does for one Follow, for many at once.

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// addFollowers records the Follows of reqs (no follower or Accept named
// twice, ordered by handle and follower id) in tx: the followers, the
// Accepts, their jobs and the jobs' counts, and sets isNew[i] for reqs[i].
// It sets every result afresh, as inTx may run it again.
func addFollowers(ctx context.Context, tx pgx.Tx, reqs []followRequest, isNew []bool) error {
	clear(isNew)
	if err := putFollowers(ctx, tx, reqs, isNew); err != nil {
		return err
	}
	ids, bodies := make([]string, len(reqs)), make([][]byte, len(reqs))
	for i, r := range reqs {
		ids[i], bodies[i] = r.accept.ID, orEmpty(r.accept.JSON)
	}
	_, err := tx.Exec(ctx, `INSERT INTO documents (id, body) SELECT * FROM unnest($1::text[], $2::bytea[])
		ON CONFLICT (id) DO UPDATE SET body = excluded.body`, ids, bodies)
	if err != nil {
		return fmt.Errorf("store the Accepts: %w", err)
	}
	return queueAccepts(ctx, tx, reqs)
}

// putFollowers stores the followers of reqs, as putFollower does one:
// those inserted are new; those already there keep their Since and take
// the rest; a follower removed by another transaction between the two
// statements is inserted again.
func putFollowers(ctx context.Context, tx pgx.Tx, reqs []followRequest, isNew []bool) error {
	pending := make([]int, len(reqs))
	for i := range pending {
		pending[i] = i
	}
	for range maxTries {
		var err error
		if pending, err = followerRows(ctx, tx, reqs, pending, isNew, `INSERT INTO followers
			(handle, id, inbox, shared_inbox, follow_id, since)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
			ON CONFLICT (handle, id) DO NOTHING RETURNING handle, id`); err != nil || len(pending) == 0 {
			return err
		}
		if pending, err = followerRows(ctx, tx, reqs, pending, nil, `UPDATE followers AS f
			SET inbox = u.inbox, shared_inbox = u.shared_inbox, follow_id = u.follow_id
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
				AS u(handle, id, inbox, shared_inbox, follow_id, since)
			WHERE f.handle = u.handle AND f.id = u.id RETURNING f.handle, f.id`); err != nil || len(pending) == 0 {
			return err
		}
	}
	return fmt.Errorf("followers removed and added again meanwhile %d times", maxTries)
}

// followerRows runs sql (a statement over the six columns of the
// followers of reqs[pending], in arrays, that returns the handle and id
// of the rows it wrote) and returns the pending followers it did not
// write; for those it wrote, it sets written[i] when written is not nil.
func followerRows(ctx context.Context, tx pgx.Tx, reqs []followRequest, pending []int, written []bool, sql string) ([]int, error) {
	cols := make([][]string, 5) // handle, id, inbox, shared inbox, follow id
	since := make([]*time.Time, len(pending))
	for n, i := range pending {
		f := reqs[i].f
		for c, v := range []string{reqs[i].handle, f.ID, f.Inbox, f.SharedInbox, f.FollowID} {
			cols[c] = append(cols[c], v)
		}
		if !f.Since.IsZero() {
			since[n] = &reqs[i].f.Since
		}
	}
	rows, err := tx.Query(ctx, sql, cols[0], cols[1], cols[2], cols[3], cols[4], since)
	if err != nil {
		return nil, fmt.Errorf("store the followers: %w", err)
	}
	done := map[followerKey]bool{}
	var k followerKey
	if _, err := pgx.ForEachRow(rows, []any{&k.handle, &k.id}, func() error { done[k] = true; return nil }); err != nil {
		return nil, fmt.Errorf("store the followers: %w", err)
	}
	var left []int
	for _, i := range pending {
		switch {
		case !done[followerKey{reqs[i].handle, reqs[i].f.ID}]:
			left = append(left, i)
		case written != nil:
			written[i] = true
		}
	}
	return left, nil
}

// queueAccepts queues the Accept of each of reqs for its follower's
// inbox, unless that job is queued already, and counts the new jobs in
// the Accepts' stats (one row each, in the order of the requests), as
// putJobs does for one.
func queueAccepts(ctx context.Context, tx pgx.Tx, reqs []followRequest) error {
	cols := make([][]string, 3) // activity id, inbox, handle
	nows := make([]time.Time, len(reqs))
	for i, r := range reqs {
		for c, v := range []string{r.accept.ID, r.f.Inbox, r.handle} {
			cols[c] = append(cols[c], v)
		}
		nows[i] = r.now
	}
	rows, err := tx.Query(ctx, `INSERT INTO jobs (activity_id, inbox, handle, attempts, next_attempt, last_error, created, sign_with)
		SELECT activity_id, inbox, handle, 0, now, '', now, ''
			FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS j(activity_id, inbox, handle, now)
		ON CONFLICT (activity_id, inbox) DO NOTHING RETURNING activity_id`, cols[0], cols[1], cols[2], nows)
	if err != nil {
		return fmt.Errorf("queue the Accepts: %w", err)
	}
	queued, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(queued) == 0 {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO activity_stats (activity_id, queued, delivered, failed, last_error)
		SELECT activity_id, 1, 0, 0, '' FROM unnest($1::text[]) AS activity_id ORDER BY activity_id
		ON CONFLICT (activity_id) DO UPDATE SET queued = activity_stats.queued + excluded.queued`, queued)
	if err != nil {
		return fmt.Errorf("count the Accepts' jobs: %w", err)
	}
	return nil
}
