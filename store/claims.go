package store

// Claims on delivery jobs.
//
// Several Herald processes (replicas) can share one PostgreSQL store; each
// delivery job must go out once. A replica claims the due jobs it will
// send (ClaimJobs): the job then carries the replica's id (its owner) and
// the end of the claim (its lease), and no other replica gets it while the
// lease runs. The replica renews the leases of jobs still in flight
// (RenewClaims); an outcome recorded with the owner's id (Outcome.Owner)
// clears the claim, and is refused with ErrLeaseLost when the claim was
// taken over by another replica meanwhile, so a replica that was too slow
// cannot count a job twice. A replica that dies leaves its claims behind:
// they end with their lease, and the jobs are claimed by another.
//
// The bbolt store serves one process, so it keeps its claims in memory
// (claimTable): the same contract, lost with the process, which is what a
// restarted process wants (nothing of its predecessor is in flight).

import (
	"errors"
	"sort"
	"sync"
	"time"
)

// ErrLeaseLost is returned by Record when the outcome names an owner
// (Outcome.Owner) that no longer holds the job's claim: its lease ended
// and another replica claimed the job. Nothing is changed.
var ErrLeaseLost = errors.New("claim taken over by another replica")

// ReplicaClaims describes the delivery jobs one replica holds.
type ReplicaClaims struct {
	// Owner is the replica's id.
	Owner string `json:"replica"`
	// Jobs is how many jobs it holds.
	Jobs int `json:"jobs"`
	// OldestCreated is when the oldest of them was queued.
	OldestCreated time.Time `json:"oldest_created"`
	// Until is when the last of its leases ends; a time in the past means
	// the replica stopped renewing them (it died) and the jobs are being
	// taken over.
	Until time.Time `json:"until"`
}

// claim is one lease held in memory.
type claim struct {
	owner   string
	until   time.Time
	created time.Time // the job's
}

// claimTable holds the bbolt store's claims on jobs (by pairKey), on
// feeds (by handle) and on tasks (by name), the times of the last fetches
// that pings caused, and the digests of the signatures the inbox saw with
// when they expire. It is safe for concurrent use.
type claimTable struct {
	mu         sync.Mutex
	jobs       map[string]claim
	feeds      map[string]claim
	tasks      map[string]claim
	pings      map[string]time.Time
	signatures map[[SignatureDigestSize]byte]time.Time
	// maxSignatures bounds signatures (maxSeenSignatures; tests lower it).
	maxSignatures int
	listeners     map[int]func(handle string)
	nextID        int
}

func newClaimTable() *claimTable {
	return &claimTable{jobs: map[string]claim{}, feeds: map[string]claim{}, tasks: map[string]claim{}, pings: map[string]time.Time{},
		signatures: map[[SignatureDigestSize]byte]time.Time{}, maxSignatures: maxSeenSignatures, listeners: map[int]func(string){}}
}

// heldAt tells whether the job of pair is claimed by anyone at now.
func (c *claimTable) heldAt(pair string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	cl, ok := c.jobs[pair]
	return ok && !cl.until.Before(now)
}

// ClaimJobs claims for owner, until until, up to limit jobs due at now
// that no one holds (never claimed, released, or their lease ended before
// now), earliest first, passing over those that skip (if not nil) rejects
// by activity id and inbox; the byte slices are valid only during the
// call. takenOver counts the jobs whose claim by another owner had ended.
// The jobs are the owner's until it records their outcomes, releases them
// or its lease ends.
func (s *Store) ClaimJobs(owner string, now, until time.Time, limit int, skip func(activityID, inbox []byte) bool) (jobs []Job, takenOver int, err error) {
	if limit <= 0 {
		return nil, 0, nil
	}
	err = s.scanDue(now, func(activityID, inbox []byte) bool {
		if skip != nil && skip(activityID, inbox) {
			return true
		}
		return s.claims.heldAt(string(pairKey(string(activityID), string(inbox))), now)
	}, func(j Job) bool {
		jobs = append(jobs, j)
		return len(jobs) < limit
	})
	if err != nil {
		return nil, 0, err
	}
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	granted := jobs[:0]
	for _, j := range jobs {
		pair := string(pairKey(j.ActivityID, j.Inbox))
		prev, held := c.jobs[pair]
		if held && !prev.until.Before(now) {
			continue // claimed by a concurrent call
		}
		if held && prev.owner != owner {
			takenOver++
		}
		c.jobs[pair] = claim{owner: owner, until: until, created: j.Created}
		granted = append(granted, j)
	}
	return granted, takenOver, nil
}

// RenewClaims moves the lease end of those of jobs that owner still
// holds to until, and returns how many it holds.
func (s *Store) RenewClaims(owner string, jobs []Job, until time.Time) (int, error) {
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, j := range jobs {
		pair := string(pairKey(j.ActivityID, j.Inbox))
		if cl, ok := c.jobs[pair]; ok && cl.owner == owner {
			cl.until = until
			c.jobs[pair] = cl
			n++
		}
	}
	return n, nil
}

// ReleaseClaims gives up owner's claims on jobs (those it holds), so that
// any replica may claim them at once.
func (s *Store) ReleaseClaims(owner string, jobs []Job) error {
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, j := range jobs {
		pair := string(pairKey(j.ActivityID, j.Inbox))
		if cl, ok := c.jobs[pair]; ok && cl.owner == owner {
			delete(c.jobs, pair)
		}
	}
	return nil
}

// ReleaseAllClaims gives up every claim of owner on jobs (at shutdown)
// and returns how many there were.
func (s *Store) ReleaseAllClaims(owner string) (int, error) {
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for pair, cl := range c.jobs {
		if cl.owner == owner {
			delete(c.jobs, pair)
			n++
		}
	}
	return n, nil
}

// ClaimStats describes the claims on jobs by owner, ordered by owner,
// those whose lease has ended included.
func (s *Store) ClaimStats() ([]ReplicaClaims, error) {
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	by := map[string]*ReplicaClaims{}
	for _, cl := range c.jobs {
		r := by[cl.owner]
		if r == nil {
			r = &ReplicaClaims{Owner: cl.owner, OldestCreated: cl.created, Until: cl.until}
			by[cl.owner] = r
		}
		r.Jobs++
		if cl.created.Before(r.OldestCreated) {
			r.OldestCreated = cl.created
		}
		if cl.until.After(r.Until) {
			r.Until = cl.until
		}
	}
	out := make([]ReplicaClaims, 0, len(by))
	for _, r := range by {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Owner < out[j].Owner })
	return out, nil
}

// checkClaim fails with ErrLeaseLost when o names an owner that does not
// hold o's job.
func (c *claimTable) checkClaim(o Outcome) error {
	if o.Owner == "" {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := c.jobs[string(pairKey(o.Job.ActivityID, o.Job.Inbox))]; !ok || cl.owner != o.Owner {
		return ErrLeaseLost
	}
	return nil
}

// dropClaim forgets the claim on j, whose outcome was recorded.
func (c *claimTable) dropClaim(j Job) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.jobs, string(pairKey(j.ActivityID, j.Inbox)))
}
