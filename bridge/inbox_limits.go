package bridge

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"
)

// rateLimiter is a set of token buckets, one per key (a client IP or a
// sending host): each holds up to burst tokens and refills at rate per
// second; a request takes one. It keeps at most maxKeys buckets, dropping
// the full (idle) ones first when it must make room, so a flood of
// distinct keys cannot grow it without bound. Safe for concurrent use.
type rateLimiter struct {
	rate    float64
	burst   float64
	maxKeys int

	mu      sync.Mutex
	buckets map[string]*tokenBucket
}

type tokenBucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(rate float64, burst, maxKeys int) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(burst), maxKeys: maxKeys, buckets: map[string]*tokenBucket{}}
}

// allow takes a token from key's bucket at now. When none is left it
// returns false and how long until one will be.
func (l *rateLimiter) allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.maxKeys {
			l.prune(now)
		}
		b = &tokenBucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// prune drops the buckets that have refilled (their clients are idle);
// if that frees nothing, it drops all: forgetting only ever favours clients.
func (l *rateLimiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= l.maxKeys {
		clear(l.buckets)
	}
}

// errQueueFull is returned by verifyQueue.enter when too many requests
// already wait for verification.
var errQueueFull = errors.New("verification queue full")

// verifyQueue bounds signature verification: at most workers run at once
// and at most waiting more wait for a slot; beyond that requests are turned
// away at once (503), so a flood costs neither unbounded memory nor
// unbounded goroutines blocked on a lock. Safe for concurrent use.
type verifyQueue struct {
	slots   chan struct{}
	tickets chan struct{} // running + waiting
}

func newVerifyQueue(workers, waiting int) *verifyQueue {
	return &verifyQueue{slots: make(chan struct{}, workers), tickets: make(chan struct{}, workers+waiting)}
}

// enter waits for a verification slot; the caller must call the returned
// release when done. It fails at once with errQueueFull, or with ctx's
// error if ctx ends while waiting.
func (q *verifyQueue) enter(ctx context.Context) (release func(), err error) {
	select {
	case q.tickets <- struct{}{}:
	default:
		return nil, errQueueFull
	}
	select {
	case q.slots <- struct{}{}:
		return func() { <-q.slots; <-q.tickets }, nil
	case <-ctx.Done():
		<-q.tickets
		return nil, ctx.Err()
	}
}
