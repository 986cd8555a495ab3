package store

// Task leases: background work that one replica does for all.
//
// Some of Herald's background work must be done once, not once per
// replica: sampling the follower counts, checking the sites' ownership,
// syncing the relay subscriptions, announcing changed profiles. Each such
// task has a name and a lease: the replica holding it (ClaimTask) does the
// work, renews the lease by claiming it again while it works, and gives it
// up when it stops (ReleaseTask). Another replica takes the task over once
// the lease has ended (the holder died) or at once after a release.
//
// The bbolt store serves one process: it keeps the leases in memory
// (claimTable), where its one process always gets them.

import (
	"fmt"
	"time"
)

// TaskLease is the lease of one task: who does it, until when.
type TaskLease = Lease

// ClaimTask gives owner the lease of the task name until until when no one
// holds it at now (never claimed, released, or the lease ended) or owner
// holds it already (a renewal). It returns the lease as it is afterwards,
// which is owner's when the claim succeeded, and the owner whose ended
// lease was taken over ("" when none was). name must not be empty.
func (s *Store) ClaimTask(name, owner string, now, until time.Time) (lease TaskLease, takenFrom string, err error) {
	if name == "" || owner == "" {
		return TaskLease{}, "", fmt.Errorf("claim task %q for %q: a name and an owner are required", name, owner)
	}
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	lease, takenFrom = claimIn(c.tasks, name, owner, now, until)
	return lease, takenFrom, nil
}

// ReleaseTask gives up owner's lease of the task name, so that another
// replica can take the task over at once, and reports whether owner held
// it (a lease another replica took over is left alone).
func (s *Store) ReleaseTask(name, owner string) (released bool, err error) {
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, held := c.tasks[name]; held && cl.owner == owner {
		delete(c.tasks, name)
		return true, nil
	}
	return false, nil
}
