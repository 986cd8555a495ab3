package app

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"herald/ownership"
	"herald/store"
)

// Background tasks that one replica does for all. Each task has a name and
// a lease in the store (Store.ClaimTask): every replica runs a taskRunner
// for it, and the one that holds the lease does the work, renewing the
// lease every third of the lease time; the others look again when the
// lease would end (at least every taskPollMax), so they take the task over
// once the holder died (its lease ended) or released it when it stopped.
// With the bbolt store there is one process, which always holds them.

// taskStore is what the task leases need of the store.
type taskStore interface {
	ClaimTask(name, owner string, now, until time.Time) (lease store.TaskLease, takenFrom string, err error)
	ReleaseTask(name, owner string) (released bool, err error)
}

// Names of the tasks, as the store's task_leases table shows them.
const (
	taskFollowerHistory = "follower-history"
	taskOwnership       = "ownership"
	taskRelays          = "relays"
	taskProfiles        = "profiles"
	taskSignatures      = "signature-pruning"
)

// taskPollMax is how long at most a replica waits before it asks again for
// a task another holds, so that a task released at shutdown is taken over
// soon rather than when its lease would have ended.
const taskPollMax = 15 * time.Second

// taskRetry is how long a replica waits after the store failed to claim.
const taskRetry = 10 * time.Second

// leasedTask is one task: its name and its work.
type leasedTask struct {
	name string
	// work does the task until ctx ends (the lease is lost or the replica
	// stops), or returns when it is done, as a task run once at start is;
	// the task is then done for this replica.
	work func(ctx context.Context)
}

// taskRunner runs leased tasks for one replica. It is safe for concurrent
// use: each task runs on its own goroutine (run).
type taskRunner struct {
	st        taskStore
	replica   string
	lease     time.Duration
	now       func() time.Time
	log       *slog.Logger
	takeovers prometheus.Counter
}

// run does t's work whenever this replica holds t's lease, until ctx ends
// or the work is done; then it releases the lease.
func (r *taskRunner) run(ctx context.Context, t leasedTask) {
	for {
		until, ok := r.waitForLease(ctx, t.name)
		if !ok {
			return
		}
		done := r.hold(ctx, t, until)
		if _, err := r.st.ReleaseTask(t.name, r.replica); err != nil {
			r.log.Warn("release task lease; it ends with its lease", "task", t.name, "error", err)
		}
		if done || ctx.Err() != nil {
			return
		}
	}
}

// waitForLease claims t's lease until it holds it (returning the lease's
// end) or ctx ends.
func (r *taskRunner) waitForLease(ctx context.Context, name string) (until time.Time, ok bool) {
	for {
		now := r.now()
		lease, from, err := r.st.ClaimTask(name, r.replica, now, now.Add(r.lease))
		wait := taskRetry
		switch {
		case err != nil:
			r.log.Error("claim task lease; trying later", "task", name, "error", err)
		case lease.Owner == r.replica:
			if from != "" {
				r.log.Info("took over a task whose lease had ended", "task", name, "from", from)
				r.takeovers.Inc()
			}
			return lease.Until, true
		default:
			// Just after the holder's lease would end, so that a renewal
			// in flight lands first, and not all replicas at once.
			jitter := time.Duration(rand.Int64N(int64(time.Second)))
			wait = min(max(0, lease.Until.Sub(now))+100*time.Millisecond+jitter, taskPollMax)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, false
		case <-time.After(wait):
		}
	}
}

// hold does t's work while this replica holds its lease (ending at until),
// renewing it every third of the lease time. It stops the work when ctx
// ends or the lease is lost (another replica holds it, or the store could
// not renew it before it ended), and waits for it. It returns whether the
// work returned on its own (done).
func (r *taskRunner) hold(ctx context.Context, t leasedTask, until time.Time) (done bool) {
	workCtx, stop := context.WithCancel(ctx)
	defer stop()
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t.work(workCtx)
	}()
	tick := time.NewTicker(max(r.lease/3, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-finished:
			return ctx.Err() == nil
		case <-ctx.Done():
			stop()
			<-finished
			return false
		case <-tick.C:
			var held bool
			if until, held = r.renew(t.name, until); !held {
				stop()
				<-finished
				return false
			}
		}
	}
}

// renew moves the end of this replica's lease of the task name on, and
// reports whether it still holds it: a lease another replica took is
// lost; one the store could not renew is kept until it ends.
func (r *taskRunner) renew(name string, until time.Time) (time.Time, bool) {
	now := r.now()
	lease, _, err := r.st.ClaimTask(name, r.replica, now, now.Add(r.lease))
	switch {
	case err != nil:
		r.log.Error("renew task lease", "task", name, "error", err)
		return until, now.Before(until)
	case lease.Owner != r.replica:
		r.log.Warn("task lease lost to another replica; stopping the task", "task", name, "holder", lease.Owner)
		return until, false
	}
	return lease.Until, true
}

// leasedTasks are the background tasks one replica does for all: each
// done N times by N replicas would fetch every site N times for its
// ownership, send relays racing Follows, and send followers a changed
// profile's Update more than once.
func (a *App) leasedTasks() []leasedTask {
	return []leasedTask{
		// Once at start: the first replica to hold the lease sends the
		// Updates and records the profiles; the others, one after the
		// other, find them recorded (a replica with another config, in a
		// rolling restart, sends its own change then).
		{taskProfiles, func(context.Context) { a.accounts.AnnounceProfiles() }},
		{taskFollowerHistory, a.accounts.RecordFollowerHistory},
		{taskOwnership, func(ctx context.Context) { a.accounts.RunOwnership(ctx, &ownership.Checker{Client: a.client}) }},
		{taskRelays, a.relays.Run},
		{taskSignatures, a.inbox.PruneSignatures},
	}
}
