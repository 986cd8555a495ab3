package bridge

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
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
	DueJobs(now time.Time, limit int, skip func(store.Job) bool) ([]store.Job, error)
	NextDue() (time.Time, bool, error)
	FinishJob(j store.Job) error
	RetryJob(j store.Job, next time.Time, lastErr string) (store.Job, error)
	Document(id string) ([]byte, error)
	RemoveFollowersAt(handle, inbox string) ([]string, error)
}

type deliveryOptions struct {
	store      queueStore
	client     *http.Client
	keys       *keyring
	log        *slog.Logger
	now        func() time.Time
	workers    int
	retryDelay func(attempt int) time.Duration
	drain      time.Duration
	metrics    *metrics.Metrics
}

// deliverer runs the delivery workers. Jobs live in the store; the deliverer
// only remembers which ones are in flight, so a crash loses nothing: every
// job not finished is found again at the next start.
type deliverer struct {
	deliveryOptions
	wake chan struct{}

	mu       sync.Mutex
	inFlight map[string]bool // by jobID
}

func newDeliverer(o deliveryOptions) *deliverer {
	if o.workers <= 0 {
		o.workers = DefaultWorkers
	}
	if o.retryDelay == nil {
		o.retryDelay = RetryLadder
	}
	return &deliverer{deliveryOptions: o, wake: make(chan struct{}, 1), inFlight: map[string]bool{}}
}

func jobID(j store.Job) string { return j.ActivityID + "\x00" + j.Inbox }

// Notify tells the workers that new jobs were queued. It never blocks.
func (d *deliverer) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers due jobs until ctx is cancelled. Then it stops taking jobs,
// gives requests in flight up to the drain time to finish, and returns once
// every worker has stopped; unfinished jobs stay queued.
func (d *deliverer) Run(ctx context.Context) {
	// Requests get their own context so that shutdown lets them finish
	// for a while instead of cutting them at once.
	reqCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()
	stopDrain := context.AfterFunc(ctx, func() {
		time.AfterFunc(d.drain, cancelRequests)
	})
	defer stopDrain()

	jobs := make(chan store.Job)
	var wg sync.WaitGroup
	for range d.workers {
		wg.Go(func() {
			for j := range jobs {
				d.attempt(reqCtx, j)
				d.release(j)
				d.Notify() // the dispatcher may be waiting for a free job
			}
		})
	}
	d.dispatch(ctx, jobs)
	close(jobs)
	wg.Wait()
}

// dispatch hands due jobs to the workers until ctx is cancelled.
func (d *deliverer) dispatch(ctx context.Context, jobs chan<- store.Job) {
	for {
		due, err := d.store.DueJobs(d.now(), d.workers*4, d.isInFlight)
		if err != nil {
			d.log.Error("read delivery queue", "error", err)
		}
		for _, j := range due {
			d.claim(j)
			select {
			case jobs <- j:
			case <-ctx.Done():
				d.release(j)
				return
			}
		}
		if len(due) > 0 {
			continue
		}
		timer := time.NewTimer(d.untilNextDue())
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-d.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// untilNextDue is how long the dispatcher may sleep when no job is ready:
// until the earliest job is due, at most a second. When the earliest job is
// already due it is in flight, and the worker's Notify ends the wait.
func (d *deliverer) untilNextDue() time.Duration {
	wait := time.Second
	if at, ok, err := d.store.NextDue(); err == nil && ok {
		if until := at.Sub(d.now()); until > 0 && until < wait {
			wait = until
		}
	}
	return wait
}

func (d *deliverer) claim(j store.Job) {
	d.mu.Lock()
	d.inFlight[jobID(j)] = true
	d.mu.Unlock()
}

func (d *deliverer) release(j store.Job) {
	d.mu.Lock()
	delete(d.inFlight, jobID(j))
	d.mu.Unlock()
}

func (d *deliverer) isInFlight(j store.Job) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.inFlight[jobID(j)]
}

// attempt sends one job and records the outcome in the store.
func (d *deliverer) attempt(ctx context.Context, j store.Job) {
	log := d.log.With("activity_id", j.ActivityID, "inbox", j.Inbox, "attempt", j.Attempts+1)
	body, err := d.store.Document(j.ActivityID)
	if err != nil {
		log.Error("delivery dropped: activity missing", "error", err)
		d.finish(log, j)
		return
	}
	status, retryAfter, err := d.post(ctx, j, body)
	if ctx.Err() != nil {
		// Shutdown cut the request: not the peer's fault, not an attempt.
		log.Info("delivery interrupted by shutdown; it stays queued")
		return
	}
	switch outcome := classify(status, err); outcome {
	case delivered:
		log.Debug("delivered", "status", status)
		d.count("delivered")
		d.finish(log, j)
	case gone:
		removed, rmErr := d.store.RemoveFollowersAt(j.Handle, j.Inbox)
		log.Info("inbox gone: followers removed", "status", status, "followers", removed, "error", rmErr)
		d.count("gone")
		d.finish(log, j)
	case rejected:
		log.Warn("delivery rejected for good", "status", status)
		d.count("rejected")
		d.finish(log, j)
	default:
		d.retry(log, j, describe(status, err), retryAfter)
	}
}

func (d *deliverer) count(outcome string) {
	if d.metrics != nil {
		metrics.Count(d.metrics.Deliveries, outcome)
	}
}

func (d *deliverer) finish(log *slog.Logger, j store.Job) {
	if err := d.store.FinishJob(j); err != nil {
		log.Error("remove finished delivery", "error", err)
	}
}

// retry reschedules j, or drops it after MaxAttempts.
func (d *deliverer) retry(log *slog.Logger, j store.Job, reason string, retryAfter time.Duration) {
	if j.Attempts+1 >= MaxAttempts {
		log.Warn("delivery given up", "reason", reason)
		d.count("given_up")
		d.finish(log, j)
		return
	}
	d.count("retry")
	wait := max(d.retryDelay(j.Attempts+1), retryAfter)
	if _, err := d.store.RetryJob(j, d.now().Add(wait), reason); err != nil {
		log.Error("reschedule delivery", "error", err)
		return
	}
	log.Info("delivery failed; will retry", "reason", reason, "retry_in", wait.Round(time.Second))
}

// post signs and sends one delivery. The signature is made afresh for every
// attempt: peers reject a Date older than about an hour.
func (d *deliverer) post(ctx context.Context, j store.Job, body []byte) (status int, retryAfter time.Duration, err error) {
	key, ok := d.keys.actors[j.Handle]
	if !ok {
		return 0, 0, fmt.Errorf("no key for actor %q", j.Handle)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.Inbox, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", actor.ContentType)
	req.Header.Set("Accept", acceptActivityJSON)
	if err := signature.Sign(req, body, key.id, key.private, d.now()); err != nil {
		return 0, 0, fmt.Errorf("sign: %w", err)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, min(outbound.RetryAfter(resp.Header, d.now()), maxRetryAfter), nil
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
