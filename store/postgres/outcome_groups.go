package postgres

// The group commit of outcomes. Record is called by every request of a
// fan-out as it ends: one transaction each made every outcome wait for
// its own commit and, since all outcomes of an activity add to one row of
// activity_stats, for the commits of all the others before it (the row
// lock is held until commit). As the bbolt store does (store/group_commit.go),
// one goroutine commits the outcomes that come together in one
// transaction: jobs removed with one statement, the counts of each
// activity added once per group, host states written once per host. Each
// Record still returns only once its outcome is committed.

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// errClosed is returned by outcomes recorded after Close began.
var errClosed = errors.New("store is closed")

// outcomeRequest is one outcome waiting for its group's commit.
type outcomeRequest struct {
	o    store.Outcome
	done chan outcomeResult
}

// outcomeResult is what Record returns for one outcome.
type outcomeResult struct {
	job store.Job
	err error
}

// recordGrouped hands o to the committing goroutine and waits until its
// group is committed.
func (s *Store) recordGrouped(o store.Outcome) outcomeResult {
	r := outcomeRequest{o: o, done: make(chan outcomeResult, 1)}
	if !s.outcomes.Submit(r) {
		return outcomeResult{job: o.Job, err: errClosed}
	}
	return <-r.done
}

// commitGroup commits group in one transaction and answers each request.
// An outcome for a job (activity and inbox) that another outcome of the
// group names too, even with another due time (a stale copy), is
// recorded after the group, alone, so that each job is changed once per
// transaction and the second outcome finds what the first left, as when
// they come one after the other. When the group's transaction fails,
// each of its outcomes is recorded alone and gets its own result.
func (s *Store) commitGroup(group []outcomeRequest) {
	seen := make(map[jobKey]bool, len(group))
	var first, again []outcomeRequest
	for _, r := range group {
		k := keyOf(r.o.Job)
		if seen[k] {
			again = append(again, r)
			continue
		}
		seen[k] = true
		first = append(first, r)
	}
	results := make([]outcomeResult, len(first))
	err := s.inTx(func(ctx context.Context, tx pgx.Tx) error { return recordGroup(ctx, tx, first, results) })
	for i, r := range first {
		if err != nil {
			results[i] = s.recordAlone(r.o)
		}
		r.done <- results[i]
	}
	for _, r := range again {
		r.done <- s.recordAlone(r.o)
	}
}

// jobKey names a job by its (activity, inbox), whatever the due time of
// the copy an outcome holds: a group never holds two outcomes for one
// pair, so that a row removed or moved is the work of one outcome.
type jobKey struct{ activityID, inbox string }

func keyOf(j store.Job) jobKey { return jobKey{j.ActivityID, j.Inbox} }

// recordGroup records the outcomes of reqs (no job named twice) in tx and
// sets results[i] for reqs[i]: the jobs first (removed with one
// statement, retries moved one by one), then the counts of each
// activity, then the host states, as Record does for one outcome, so that
// groups and single outcomes take row locks in one order. Outcomes that
// find no job (store.ErrNotFound, store.ErrLeaseLost) change nothing and
// get that error; any other error fails the whole group. It sets every
// result afresh, as inTx may run it again.
func recordGroup(ctx context.Context, tx pgx.Tx, reqs []outcomeRequest, results []outcomeResult) error {
	order := make([]int, len(reqs)) // by job, for the order of row locks
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ja, jb := reqs[a].o.Job, reqs[b].o.Job
		return cmp.Or(cmp.Compare(ja.ActivityID, jb.ActivityID), cmp.Compare(ja.Inbox, jb.Inbox))
	})
	if err := removeJobs(ctx, tx, reqs, order, results); err != nil {
		return err
	}
	for _, i := range order {
		if reqs[i].o.Kind != store.Retry {
			continue
		}
		job, err := recordJob(ctx, tx, reqs[i].o)
		if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrLeaseLost) {
			return err
		}
		results[i] = outcomeResult{job: job, err: err}
	}
	if err := countOutcomes(ctx, tx, reqs, results); err != nil {
		return err
	}
	return putHosts(ctx, tx, reqs, results)
}
