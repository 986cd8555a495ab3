package delivery

import (
	"time"

	"herald/outbound"
	"herald/store"
)

// The Deliverer's bookkeeping of the jobs in flight: which are claimed,
// which are slow, and which finished while a queue scan was running.

// defaultSlowAfter is how long a request may be in flight before it counts
// as slow: healthy peers answer in well under a second, even while the
// request waits for a signer in a large fan-out.
const defaultSlowAfter = 3 * time.Second

// backlogRescan is the longest the dispatcher waits for a sixteenth of the
// slots to free up while jobs are waiting, before it fills the slots that
// are free (slow peers may hold the rest for long).
const backlogRescan = 20 * time.Millisecond

// flight is a job in flight.
type flight struct {
	job   store.Job   // as claimed
	slow  bool        // counted in slow instead of against workers
	timer *time.Timer // marks it slow after slowAfter
}

// maxSlow is how many requests may be slow at once: half the workers.
func (d *Deliverer) maxSlow() int { return max(1, d.o.Workers/2) }

// markSlowLater marks f, the flight of pair, slow if it is still in flight
// after slowAfter, while fewer than maxSlow requests are slow; the
// dispatcher is woken to use the slot. d.mu must be held.
func (d *Deliverer) markSlowLater(pair string, f *flight) {
	f.timer = time.AfterFunc(d.o.SlowAfter, func() {
		d.mu.Lock()
		marked := false
		if d.inFlight[pair] == f && !f.slow && d.slow < d.maxSlow() {
			f.slow, d.slow, marked = true, d.slow+1, true
		}
		d.mu.Unlock()
		if marked {
			d.Notify()
		}
	})
}

// claim marks j, read by a queue scan that began at generation snap, in
// flight (to be marked slow after slowAfter) and counts it against its
// host. It returns false when j finished
// after the scan began (the scan saw it before its outcome was committed),
// is in flight, or its host takes no more requests now.
func (d *Deliverer) claim(j store.Job, now time.Time, snap uint64) bool {
	pair := pairOf(j.ActivityID, j.Inbox)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inFlight[pair] != nil || d.finished[pair] > snap {
		return false
	}
	if !d.hosts.acquire(outbound.HostOf(j.Inbox), now) {
		return false
	}
	f := &flight{job: j}
	d.inFlight[pair] = f
	d.markSlowLater(pair, f)
	return true
}

// release marks j no longer in flight. It must be called after j's
// outcome is committed.
func (d *Deliverer) release(j store.Job) {
	pair := pairOf(j.ActivityID, j.Inbox)
	d.mu.Lock()
	defer d.mu.Unlock()
	if f := d.inFlight[pair]; f != nil {
		f.timer.Stop()
		if f.slow {
			d.slow--
		}
	}
	delete(d.inFlight, pair)
	d.gen++
	d.finished[pair] = d.gen
}

// generation returns the count of finished jobs, read before a queue scan.
func (d *Deliverer) generation() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.gen
}

// forgetFinished drops the finished marks up to snap: every scan that
// begins later sees those outcomes committed.
func (d *Deliverer) forgetFinished(snap uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for pair, g := range d.finished {
		if g <= snap {
			delete(d.finished, pair)
		}
	}
}

func (d *Deliverer) isInFlight(activityID, inbox string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.inFlight[pairOf(activityID, inbox)] != nil
}

// busyCount is how many requests count against workers: those in flight
// that are not slow.
func (d *Deliverer) busyCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.inFlight) - d.slow
}

// inFlightJobs returns the jobs in flight, whose claims must be renewed.
func (d *Deliverer) inFlightJobs() []store.Job {
	d.mu.Lock()
	defer d.mu.Unlock()
	jobs := make([]store.Job, 0, len(d.inFlight))
	for _, f := range d.inFlight {
		jobs = append(jobs, f.job)
	}
	return jobs
}
