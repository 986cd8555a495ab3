package bridge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	"herald/actor"
	"herald/metrics"
	"herald/outbound"
	"herald/signature"
	"herald/store"
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

// queueStore is what the delivery workers need of the store.
type queueStore interface {
	DueJobsFunc(now time.Time, limit int, skip func(activityID, inbox []byte) bool) ([]store.Job, error)
	NextDue() (time.Time, bool, error)
	Record(o store.Outcome) (store.Job, error)
	Document(id string) ([]byte, error)
	RemoveFollowersAt(handle, inbox string) ([]string, error)
	Hosts() (map[string]store.HostState, error)
}

type deliveryOptions struct {
	store      queueStore
	client     *http.Client
	keys       *keyring
	log        *slog.Logger
	now        func() time.Time
	workers    int // requests in flight at most
	perHost    int // requests in flight to one host at most
	signers    int // signatures computed at once (CPU-bound)
	retryDelay func(attempt int) time.Duration
	drain      time.Duration
	metrics    *metrics.Metrics
	slowAfter  time.Duration // 0 means defaultSlowAfter
}

// deliverer runs the delivery workers. Jobs live in the store; the deliverer
// only remembers which ones are in flight, so a crash loses nothing: every
// job not finished is found again at the next start.
//
// Each due job gets its own goroutine, up to workers at once: requests are
// I/O-bound, so many may wait on slow peers while the CPU signs others.
// A request still in flight after slowAfter (a peer that hangs) stops
// counting against workers, up to maxSlow such slow requests, so that a
// fan-out with many dead hosts keeps its slots for the healthy ones.
// Signing, the CPU-bound part, is limited to signers at once (one per core).
// hosts limits the requests per host and holds failing hosts back.
type deliverer struct {
	deliveryOptions
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

func newDeliverer(o deliveryOptions) *deliverer {
	if o.workers <= 0 {
		o.workers = DefaultWorkers
	}
	if o.perHost <= 0 {
		o.perHost = DefaultPerHost
	}
	if o.signers <= 0 {
		o.signers = runtime.NumCPU()
	}
	if o.retryDelay == nil {
		o.retryDelay = RetryLadder
	}
	if o.slowAfter <= 0 {
		o.slowAfter = defaultSlowAfter
	}
	saved, err := o.store.Hosts()
	if err != nil {
		o.log.Error("read host states; starting with all hosts healthy", "error", err)
	}
	return &deliverer{
		deliveryOptions: o,
		wake:            make(chan struct{}, 1),
		sign:            newSignerPool(o.now),
		bodies:          newBodyCache(o.store.Document),
		hosts:           newHostTable(o.perHost, saved),
		inFlight:        map[string]*flight{},
		finished:        map[string]uint64{},
	}
}

func pairOf(activityID, inbox string) string { return activityID + "\x00" + inbox }

// Notify tells the workers that new jobs were queued. It never blocks.
func (d *deliverer) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers due jobs until ctx is cancelled. Then it stops taking jobs,
// gives requests in flight up to the drain time to finish, and returns once
// every request has ended; unfinished jobs stay queued.
func (d *deliverer) Run(ctx context.Context) {
	// Requests get their own context so that shutdown lets them finish
	// for a while instead of cutting them at once.
	reqCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()
	stopDrain := context.AfterFunc(ctx, func() {
		time.AfterFunc(d.drain, cancelRequests)
	})
	defer stopDrain()

	stopSigners := d.sign.run(d.signers)
	defer stopSigners()
	var wg sync.WaitGroup
	defer wg.Wait() // before stopSigners: requests may still need a signer
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
func (d *deliverer) dispatch(ctx context.Context, start func(store.Job)) {
	refill := max(1, d.workers/16)
	backlog := false // the last scan found more due jobs than free slots
	pause := dispatchPause
	var lastScan time.Time
	for ctx.Err() == nil {
		free := d.workers - d.busyCount()
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
func (d *deliverer) startDue(free int, start func(store.Job)) int {
	now := d.now()
	snap := d.generation()
	defer d.forgetFinished(snap)
	due, err := d.store.DueJobsFunc(now, free, func(activityID, inbox []byte) bool {
		return d.isInFlight(string(activityID), string(inbox)) || !d.hosts.admits(hostOf(string(inbox)), now)
	})
	if err != nil {
		d.log.Error("read delivery queue", "error", err)
		return 0
	}
	n := 0
	for _, j := range due {
		if d.claim(j, now, snap) {
			start(j)
			n++
		}
	}
	return n
}

// untilNextDue is how long the dispatcher may sleep when no job could be
// started: until the earliest job is due, at most a second (held hosts come
// due without a wake-up). When the earliest job is already due it is in
// flight or held back, and a finishing request's Notify ends the wait.
func (d *deliverer) untilNextDue() time.Duration {
	wait := time.Second
	if at, ok, err := d.store.NextDue(); err == nil && ok {
		if until := at.Sub(d.now()); until > 0 && until < wait {
			wait = until
		}
	}
	return wait
}

// attempt sends one job and records the outcome in the store.
//
// ctx bounds the request; stop closes when shutdown begins: a job not yet
// signed by then is not sent, and stays queued.
func (d *deliverer) attempt(ctx context.Context, stop <-chan struct{}, j store.Job) {
	log := jobLog{d.log, j}
	host := hostOf(j.Inbox)
	body, err := d.bodies.get(j.ActivityID)
	if err != nil {
		log.write(slog.LevelError, "delivery dropped: activity missing", "error", err)
		d.hosts.release(host)
		d.record(log, store.Outcome{Job: j, Kind: store.Failed, Error: "activity missing"})
		return
	}
	status, retryAfter, err := d.post(ctx, stop, j, body)
	if ctx.Err() != nil || errors.Is(err, errNotSent) {
		// Shutdown cut the request: not the peer's fault, not an attempt.
		d.hosts.release(host)
		log.write(slog.LevelInfo, "delivery interrupted by shutdown; it stays queued")
		return
	}
	result := classify(status, err)
	reason := describe(status, err)
	o := store.Outcome{Job: j, Host: d.hosts.done(host, result != retryable, reason, d.now())}
	switch result {
	case delivered:
		log.write(slog.LevelDebug, "delivered", "status", status)
		o.Kind = store.Delivered
	case gone:
		removed, rmErr := d.store.RemoveFollowersAt(j.Handle, j.Inbox)
		log.write(slog.LevelInfo, "inbox gone: followers removed", "status", status, "followers", removed, "error", rmErr)
		o.Kind, o.Error = store.Failed, reason
	case rejected:
		log.write(slog.LevelWarn, "delivery rejected for good", "status", status)
		o.Kind, o.Error = store.Failed, reason
	default:
		o = d.retry(log, o, reason, retryAfter)
	}
	d.count(result, o)
	d.record(log, o)
}

// count adds the attempt to the delivery metrics.
func (d *deliverer) count(result outcome, o store.Outcome) {
	if d.metrics == nil {
		return
	}
	label := map[outcome]string{delivered: "delivered", gone: "gone", rejected: "rejected", retryable: "retry"}[result]
	if result == retryable && o.Kind == store.Failed {
		label = "given_up"
	}
	metrics.Count(d.metrics.Deliveries, label)
}

func (d *deliverer) record(log jobLog, o store.Outcome) {
	if _, err := d.store.Record(o); err != nil {
		log.write(slog.LevelError, "record delivery outcome", "error", err)
	}
}

// retry turns o into a retry after the ladder's wait (or Retry-After, when
// longer), or gives the job up after MaxAttempts.
func (d *deliverer) retry(log jobLog, o store.Outcome, reason string, retryAfter time.Duration) store.Outcome {
	o.Error = reason
	if o.Job.Attempts+1 >= MaxAttempts {
		log.write(slog.LevelWarn, "delivery given up", "reason", reason)
		o.Kind = store.Failed
		return o
	}
	wait := max(d.retryDelay(o.Job.Attempts+1), retryAfter)
	o.Kind, o.Next = store.Retry, d.now().Add(wait)
	log.write(slog.LevelInfo, "delivery failed; will retry", "reason", reason, "retry_in", wait.Round(time.Second))
	return o
}

// post signs and sends one delivery. The signature is made afresh for every
// attempt: peers reject a Date older than about an hour. Signatures are
// draft-cavage, the one every peer takes, except for hosts known to want RFC
// 9421: a 401 that carries Accept-Signature (RFC 9421 §5.1) marks the host
// and the delivery is sent again at once, signed the RFC 9421 way.
func (d *deliverer) post(ctx context.Context, stop <-chan struct{}, j store.Job, body signature.Body) (status int, retryAfter time.Duration, err error) {
	key, ok := d.keys.actors[j.Handle]
	if !ok {
		return 0, 0, fmt.Errorf("no key for actor %q", j.Handle)
	}
	signWith := j.Handle
	if j.SignWith != "" {
		signWith = j.SignWith // a key rotation's Update: the key followers know
	}
	if key.private, err = d.keys.private(signWith); err != nil {
		return 0, 0, err
	}
	host := hostOf(j.Inbox)
	_, modern := d.wants9421.Load(host)
	resp, err := d.send(ctx, stop, j, body, key, modern)
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode == http.StatusUnauthorized && !modern && resp.Header.Get("Accept-Signature") != "" {
		d.wants9421.Store(host, true)
		d.log.Info("peer asks for RFC 9421 signatures; using them for this host", "host", host)
		if resp, err = d.send(ctx, stop, j, body, key, true); err != nil {
			return 0, 0, err
		}
	}
	return resp.StatusCode, min(outbound.RetryAfter(resp.Header, d.now()), maxRetryAfter), nil
}

// send signs and POSTs body to j's inbox once; the response body is read
// (bounded) and closed.
func (d *deliverer) send(ctx context.Context, stop <-chan struct{}, j store.Job, body signature.Body, key signingKey, rfc9421 bool) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.Inbox, bytes.NewReader(body.Bytes()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", actor.ContentType)
	req.Header.Set("Accept", acceptActivityJSON)
	if err := d.sign.sign(ctx, stop, req, body, key, rfc9421); err != nil {
		return nil, err
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp, nil
}

// jobLog logs about one delivery job. It adds the job's attributes only to
// records that are written: slog's With would format them for every job,
// and a fan-out logs nothing for most.
type jobLog struct {
	log *slog.Logger
	job store.Job
}

func (l jobLog) write(level slog.Level, msg string, args ...any) {
	ctx := context.Background()
	if !l.log.Enabled(ctx, level) {
		return
	}
	attrs := append([]any{"activity_id", l.job.ActivityID, "inbox", l.job.Inbox, "attempt", l.job.Attempts + 1}, args...)
	l.log.Log(ctx, level, msg, attrs...)
}

type outcome int

const (
	retryable outcome = iota
	delivered
	gone
	rejected
)

// classify sorts a delivery result as Mastodon does: 2xx delivered, 410 gone,
// other 4xx rejected for good except 401, 408 and 429; 5xx and network
// errors are retried.
func classify(status int, err error) outcome {
	switch {
	case err != nil:
		return retryable
	case status >= 200 && status < 300:
		return delivered
	case status == http.StatusGone:
		return gone
	case status == http.StatusUnauthorized, status == http.StatusRequestTimeout, status == http.StatusTooManyRequests:
		return retryable
	case status >= 400 && status < 500:
		return rejected
	default:
		return retryable
	}
}

func describe(status int, err error) string {
	if err != nil {
		return err.Error()
	}
	return "HTTP " + strconv.Itoa(status) + " " + http.StatusText(status)
}
