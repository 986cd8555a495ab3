package delivery

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"herald/actor"
	"herald/metrics"
	"herald/outbound"
	"herald/signature"
	"herald/store"
)

// attempt sends one job and records the outcome in the store.
//
// ctx bounds the request; stop closes when shutdown begins: a job not yet
// signed by then is not sent, and stays queued.
func (d *Deliverer) attempt(ctx context.Context, stop <-chan struct{}, j store.Job) {
	log := jobLog{d.o.Log, j}
	host := outbound.HostOf(j.Inbox)
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
	o := store.Outcome{Job: j, Host: d.hosts.done(host, result != retryable, reason, d.o.Now())}
	switch result {
	case delivered:
		log.write(slog.LevelDebug, "delivered", "status", status)
		o.Kind = store.Delivered
	case gone:
		removed, rmErr := d.o.Store.RemoveFollowersAt(j.Handle, j.Inbox)
		log.write(slog.LevelInfo, "inbox gone: followers removed", "status", status, "followers", removed, "error", rmErr)
		o.Kind, o.Error = store.Failed, reason
	case rejected:
		log.write(slog.LevelWarn, "delivery rejected for good", "status", status)
		o.Kind, o.Error = store.Failed, reason
	default:
		o = d.retry(log, o, reason, retryAfter)
	}
	if d.record(log, o) {
		d.count(result, o)
	}
}

// count adds the attempt to the delivery metrics.
func (d *Deliverer) count(result outcome, o store.Outcome) {
	if d.o.Metrics == nil {
		return
	}
	label := map[outcome]string{delivered: "delivered", gone: "gone", rejected: "rejected", retryable: "retry"}[result]
	if result == retryable && o.Kind == store.Failed {
		label = "given_up"
	}
	metrics.Count(d.o.Metrics.Deliveries, label)
}

// record commits o as this replica's outcome. It returns false when the
// store refused it because another replica took the job over (this one
// held it past its lease): that replica's outcome counts, not this one.
func (d *Deliverer) record(log jobLog, o store.Outcome) bool {
	o.Owner = d.o.Replica
	_, err := d.o.Store.Record(o)
	switch {
	case errors.Is(err, store.ErrLeaseLost):
		log.write(slog.LevelWarn, "delivery outcome dropped: another replica took the job over", "error", err)
		return false
	case err != nil:
		log.write(slog.LevelError, "record delivery outcome", "error", err)
	}
	return true
}

// retry turns o into a retry after the ladder's wait (or Retry-After, when
// longer), or gives the job up after MaxAttempts.
func (d *Deliverer) retry(log jobLog, o store.Outcome, reason string, retryAfter time.Duration) store.Outcome {
	o.Error = reason
	if o.Job.Attempts+1 >= MaxAttempts {
		log.write(slog.LevelWarn, "delivery given up", "reason", reason)
		o.Kind = store.Failed
		return o
	}
	wait := max(d.o.RetryDelay(o.Job.Attempts+1), retryAfter)
	o.Kind, o.Next = store.Retry, d.o.Now().Add(wait)
	log.write(slog.LevelInfo, "delivery failed; will retry", "reason", reason, "retry_in", wait.Round(time.Second))
	return o
}

// post signs and sends one delivery. The signature is made afresh for every
// attempt: peers reject a Date older than about an hour. Signatures are
// draft-cavage, the one every peer takes, except for hosts known to want RFC
// 9421: a 401 that carries Accept-Signature (RFC 9421 §5.1) marks the host
// and the delivery is sent again at once, signed the RFC 9421 way.
func (d *Deliverer) post(ctx context.Context, stop <-chan struct{}, j store.Job, body signature.Body) (status int, retryAfter time.Duration, err error) {
	signWith := j.Handle
	if j.SignWith != "" {
		signWith = j.SignWith // a key rotation's Update: the key followers know
	}
	var key signingKey
	if key.id, key.private, err = d.o.Keys.SigningKey(j.Handle, signWith); err != nil {
		return 0, 0, err
	}
	host := outbound.HostOf(j.Inbox)
	_, modern := d.wants9421.Load(host)
	resp, err := d.send(ctx, stop, j, body, key, modern)
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode == http.StatusUnauthorized && !modern && resp.Header.Get("Accept-Signature") != "" {
		d.wants9421.Store(host, true)
		d.o.Log.Info("peer asks for RFC 9421 signatures; using them for this host", "host", host)
		if resp, err = d.send(ctx, stop, j, body, key, true); err != nil {
			return 0, 0, err
		}
	}
	return resp.StatusCode, min(outbound.RetryAfter(resp.Header, d.o.Now()), maxRetryAfter), nil
}

// send signs and POSTs body to j's inbox once; the response body is read
// (bounded) and closed.
func (d *Deliverer) send(ctx context.Context, stop <-chan struct{}, j store.Job, body signature.Body, key signingKey, rfc9421 bool) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.Inbox, bytes.NewReader(body.Bytes()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", actor.ContentType)
	req.Header.Set("Accept", actor.AcceptHeader)
	if err := d.sign.sign(ctx, stop, req, body, key, rfc9421); err != nil {
		return nil, err
	}
	resp, err := d.o.Client.Do(req)
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
