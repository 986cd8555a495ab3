package inbox

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

// errQueueFull is returned by verifyQueue.admit when too many requests are
// already in the inbox, in all or from one client.
var errQueueFull = errors.New("verification queue full")

// verifyQueue bounds the inbox: at most maxInFlight requests (perClient
// from one client IP) may be between admission and the end of their
// verification — so bodies held in memory are bounded before they are even
// read — and at most workers of them verify at once. Beyond that requests
// are turned away at once (503), so a flood costs neither unbounded memory
// nor unbounded goroutines blocked on a lock. Safe for concurrent use.
type verifyQueue struct {
	slots     chan struct{}
	tickets   chan struct{} // admitted requests
	perClient int

	mu      sync.Mutex
	clients map[string]int // admitted requests by client IP
}

func newVerifyQueue(workers, waiting, perClient int) *verifyQueue {
	return &verifyQueue{
		slots: make(chan struct{}, workers), tickets: make(chan struct{}, workers+waiting),
		perClient: perClient, clients: map[string]int{},
	}
}

// admit takes a place in the inbox for a request from client, without
// waiting; the caller must call leave when the request is done. It fails
// with errQueueFull when the inbox or the client's share of it is full.
func (q *verifyQueue) admit(client string) (leave func(), err error) {
	q.mu.Lock()
	if q.clients[client] >= q.perClient {
		q.mu.Unlock()
		return nil, errQueueFull
	}
	q.clients[client]++
	q.mu.Unlock()
	select {
	case q.tickets <- struct{}{}:
	default:
		q.forget(client)
		return nil, errQueueFull
	}
	return func() { <-q.tickets; q.forget(client) }, nil
}

func (q *verifyQueue) forget(client string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.clients[client]--; q.clients[client] <= 0 {
		delete(q.clients, client)
	}
}

// slot waits for a verification slot (the caller has been admitted); the
// caller must call release when done. It fails with ctx's error if ctx ends
// while waiting.
func (q *verifyQueue) slot(ctx context.Context) (release func(), err error) {
	select {
	case q.slots <- struct{}{}:
		return func() { <-q.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
