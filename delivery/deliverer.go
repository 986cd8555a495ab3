// Package delivery carries activities to followers: durable jobs (one per
// activity and inbox, kept in the store) sent by a pool of workers, each
// request signed afresh on one signer per core, with a limit per host, a
// circuit breaker for failing hosts, and retries on Mastodon's ladder. It
// uses signature to sign, outbound for the client's host keys, and declares
// what it needs of the store (Store) and of the accounts' keys (Keys).
package delivery

import (
	"context"
	"crypto/rsa"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime"
	"sync"
	"time"

	"herald/metrics"
	"herald/outbound"
	"herald/store"
)

// Defaults for Options left zero.
const (
	// DefaultWorkers is how many deliveries may be in flight at once.
	DefaultWorkers = 1024
	// DefaultDrain is how long requests in flight may go on after
	// shutdown began.
	DefaultDrain = 5 * time.Second
	// DefaultLease is how long a claim on a job lasts unless renewed: far
	// longer than an attempt (the outbound client's timeout bounds it), so
	// that only a replica that stopped renewing loses its claims.
	DefaultLease = 5 * time.Minute
)

// maxRetryAfter caps how long a peer's Retry-After can hold a delivery back.
const maxRetryAfter = 24 * time.Hour

// MaxAttempts is how often a delivery is tried before it is dropped, as in
// Mastodon (16 tries over about two days).
const MaxAttempts = 16

// RetryLadder is the default wait before retry number attempt: Mastodon's
// (Sidekiq's) attempt⁴ + 15 s plus up to 30·(attempt+1) s of jitter. The 15
// retries after the first try add up to about two days.
func RetryLadder(attempt int) time.Duration {
	base := time.Duration(attempt*attempt*attempt*attempt+15) * time.Second
	jitter := time.Duration(rand.Int64N(int64(30*(attempt+1)))) * time.Second
	return base + jitter
}

// Store is what the delivery workers need of the store.
type Store interface {
	ClaimJobs(owner string, now, until time.Time, limit int, skip func(activityID, inbox []byte) bool) ([]store.Job, int, error)
	RenewClaims(owner string, jobs []store.Job, until time.Time) (int, error)
	ReleaseClaims(owner string, jobs []store.Job) error
	ReleaseAllClaims(owner string) (int, error)
	NextDue() (time.Time, bool, error)
	Record(o store.Outcome) (store.Job, error)
	Document(id string) ([]byte, error)
	RemoveFollowersAt(handle, inbox string) ([]string, error)
	Hosts() (map[string]store.HostState, error)
}

// Keys gives the keys that sign deliveries (accounts.Registry does).
type Keys interface {
	// SigningKey returns the id peers know handle's key by and the
	// private key stored under keyName (handle, or a rotated-out key).
	SigningKey(handle, keyName string) (keyID string, key *rsa.PrivateKey, err error)
}

// Options are what a Deliverer needs. Store, Client, Keys, Log and Now are
// required; the rest have defaults.
type Options struct {
	Store  Store
	Client *http.Client
	Keys   Keys
	Log    *slog.Logger
	Now    func() time.Time
	// Replica is the id under which this process claims jobs; "" means
	// "herald" (fine for a process that is alone on its store).
	Replica string
	// Lease is how long a claim on a job lasts unless renewed; 0 means
	// DefaultLease. The Deliverer renews the claims of the jobs in flight
	// every third of it.
	Lease time.Duration
	// Workers is the number of requests in flight at most; 0 means
	// DefaultWorkers. Deliveries mostly wait on peers, so this is far
	// above the number of cores.
	Workers int
	// PerHost is the number of requests in flight to one host at most; 0
	// means DefaultPerHost.
	PerHost int
	// Signers is the number of signatures computed at once (CPU-bound); 0
	// means one per core.
	Signers int
	// RetryDelay gives the wait before retry number attempt (1-based);
	// nil means RetryLadder.
	RetryDelay func(attempt int) time.Duration
	// Drain is how long requests in flight may go on after shutdown
	// began; 0 means DefaultDrain.
	Drain time.Duration
	// Metrics counts the attempts; nil counts nothing.
	Metrics *metrics.Metrics
	// SlowAfter is when a request in flight counts as slow; 0 means
	// defaultSlowAfter.
	SlowAfter time.Duration
}

// Deliverer runs the delivery workers. Jobs live in the store; the
// Deliverer only remembers which ones are in flight, so a crash loses
// nothing: every job not finished is found again at the next start.
//
// Each due job gets its own goroutine, up to Workers at once: requests are
// I/O-bound, so many may wait on slow peers while the CPU signs others.
// A request still in flight after SlowAfter (a peer that hangs) stops
// counting against Workers, up to maxSlow such slow requests, so that a
// fan-out with many dead hosts keeps its slots for the healthy ones.
// Signing, the CPU-bound part, is limited to Signers at once (one per
// core). hosts limits the requests per host and holds failing hosts back.
type Deliverer struct {
	o      Options
	wake   chan struct{}
	sign   *signerPool
	bodies *bodyCache
	hosts  *hostTable
	// wants9421 holds the hosts that asked for RFC 9421 signatures.
	wants9421 sync.Map

	mu       sync.Mutex
	inFlight map[string]*flight // by pair (activity id, 0, inbox)
	slow     int                // flights marked slow
	// gen counts finished jobs; finished holds the gen at which each
	// recently finished job left inFlight. A queue scan that began before a
	// job's outcome was committed still sees the job, so the dispatcher
	// skips jobs finished after its scan began (see startDue).
	gen      uint64
	finished map[string]uint64
}

// New returns a Deliverer; it reads the stored host states (a failing host
// stays held back across restarts). Nothing is sent until Run.
func New(o Options) *Deliverer {
	o = withDefaults(o)
	saved, err := o.Store.Hosts()
	if err != nil {
		o.Log.Error("read host states; starting with all hosts healthy", "error", err)
	}
	return &Deliverer{
		o:        o,
		wake:     make(chan struct{}, 1),
		sign:     newSignerPool(o.Now),
		bodies:   newBodyCache(o.Store.Document),
		hosts:    newHostTable(o.PerHost, saved),
		inFlight: map[string]*flight{},
		finished: map[string]uint64{},
	}
}

func withDefaults(o Options) Options {
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.PerHost <= 0 {
		o.PerHost = DefaultPerHost
	}
	if o.Signers <= 0 {
		o.Signers = runtime.NumCPU()
	}
	if o.RetryDelay == nil {
		o.RetryDelay = RetryLadder
	}
	if o.Drain <= 0 {
		o.Drain = DefaultDrain
	}
	if o.SlowAfter <= 0 {
		o.SlowAfter = defaultSlowAfter
	}
	if o.Replica == "" {
		o.Replica = "herald"
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	return o
}

func pairOf(activityID, inbox string) string { return activityID + "\x00" + inbox }

// Notify tells the workers that new jobs were queued. It never blocks.
func (d *Deliverer) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers due jobs until ctx is cancelled. Then it stops taking jobs,
// gives requests in flight up to the drain time to finish, and returns once
// every request has ended; unfinished jobs stay queued.
func (d *Deliverer) Run(ctx context.Context) {
	// Requests get their own context so that shutdown lets them finish
	// for a while instead of cutting them at once.
	reqCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()
	stopDrain := context.AfterFunc(ctx, func() {
		time.AfterFunc(d.o.Drain, cancelRequests)
	})
	defer stopDrain()

	stopSigners := d.sign.run(d.o.Signers)
	defer stopSigners()
	defer d.releaseAll() // after every request has ended
	var wg sync.WaitGroup
	defer wg.Wait() // before stopSigners: requests may still need a signer
	wg.Go(func() { d.keepClaims(ctx) })
	d.dispatch(ctx, func(j store.Job) {
		wg.Go(func() {
			d.attempt(reqCtx, ctx.Done(), j)
			d.release(j)
			d.Notify() // the dispatcher may be waiting for a free slot
		})
	})
}

// dispatchPause is the shortest time between two scans of the queue when
// the last one found nothing more to start, so that a stream of finishing
// requests does not make the dispatcher rescan the queue for each.
const dispatchPause = 2 * time.Millisecond

// dispatch starts due jobs with start until ctx is cancelled. While more
// jobs are due than slots are free (a fan-out), it rescans the queue once a
// sixteenth of the slots is free again, or backlogRescan after the last
// scan: each scan walks past the jobs in flight, so rescanning for every
// finished request would cost more than the requests.
func (d *Deliverer) dispatch(ctx context.Context, start func(store.Job)) {
	refill := max(1, d.o.Workers/16)
	backlog := false // the last scan found more due jobs than free slots
	pause := dispatchPause
	var lastScan time.Time
	for ctx.Err() == nil {
		free := d.o.Workers - d.busyCount()
		if free > 0 && (!backlog || free >= refill || time.Since(lastScan) >= backlogRescan) {
			began := time.Now()
			lastScan = began
			started := d.startDue(free, start)
			// A long queue of jobs held back (hosts at their limit) makes
			// scans slow: keep scanning to a fifth of the time at most.
			pause = max(dispatchPause, 4*time.Since(began))
			backlog = started == free
			if backlog && free >= refill {
				continue // there may be more
			}
		}
		until := d.untilNextDue()
		if backlog {
			until = min(until, max(0, backlogRescan-time.Since(lastScan)))
		}
		timer := time.NewTimer(until)
		select {
		case <-ctx.Done():
		case <-d.wake:
		case <-timer.C:
			backlog = false // held hosts may be due again: rescan
		}
		timer.Stop()
		wait := time.NewTimer(pause)
		select {
		case <-ctx.Done():
		case <-wait.C:
		}
		wait.Stop()
	}
}

// startDue claims and starts up to free due jobs; it returns how many.
// Jobs claimed in the store that the flights refuse (see claim) are
// released at once.
func (d *Deliverer) startDue(free int, start func(store.Job)) int {
	now := d.o.Now()
	snap := d.generation()
	defer d.forgetFinished(snap)
	due, takenOver, err := d.o.Store.ClaimJobs(d.o.Replica, now, now.Add(d.o.Lease), free, func(activityID, inbox []byte) bool {
		return d.isInFlight(string(activityID), string(inbox)) || !d.hosts.admits(outbound.HostOf(string(inbox)), now)
	})
	if err != nil {
		d.o.Log.Error("claim due deliveries", "error", err)
		return 0
	}
	d.countTakeovers(takenOver)
	n := 0
	var refused []store.Job
	for _, j := range due {
		if d.claim(j, now, snap) {
			start(j)
			n++
		} else {
			refused = append(refused, j)
		}
	}
	if len(refused) > 0 {
		if err := d.o.Store.ReleaseClaims(d.o.Replica, refused); err != nil {
			d.o.Log.Warn("release claims; they end with their lease", "jobs", len(refused), "error", err)
		}
	}
	return n
}

// untilNextDue is how long the dispatcher may sleep when no job could be
// started: until the earliest job is due, at most a second (held hosts come
// due without a wake-up). When the earliest job is already due it is in
// flight or held back, and a finishing request's Notify ends the wait.
func (d *Deliverer) untilNextDue() time.Duration {
	wait := time.Second
	if at, ok, err := d.o.Store.NextDue(); err == nil && ok {
		if until := at.Sub(d.o.Now()); until > 0 && until < wait {
			wait = until
		}
	}
	return wait
}
