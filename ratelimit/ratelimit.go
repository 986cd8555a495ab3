// Package ratelimit keeps token buckets per key (a client address, a user
// name, an access token) for the endpoints that limit how often one client
// may try: the inbox, the OAuth sign-in and the Mastodon client API. It holds its
// state in memory only: a restart forgives everyone, which only ever
// favours clients.
package ratelimit

import (
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Limiter is a set of token buckets, one per key: each holds up to Burst
// tokens and refills Burst tokens every Per; a request takes one. It keeps
// at most MaxKeys buckets, dropping the full (idle) ones first when it must
// make room, so a flood of distinct keys cannot grow it without bound.
// Safe for concurrent use.
type Limiter struct {
	rate    float64 // tokens per second
	burst   float64
	maxKeys int

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a Limiter that allows burst requests per key at once and
// burst more every per, keeping at most maxKeys keys.
func New(burst int, per time.Duration, maxKeys int) *Limiter {
	return NewRate(float64(burst)/per.Seconds(), burst, maxKeys)
}

// NewRate returns a Limiter that refills perSecond tokens a second into
// buckets of burst tokens, keeping at most maxKeys keys (the inbox's
// limits are configured so).
func NewRate(perSecond float64, burst, maxKeys int) *Limiter {
	return &Limiter{rate: perSecond, burst: float64(burst), maxKeys: maxKeys, buckets: map[string]*bucket{}}
}

// Allow takes a token from key's bucket at now. When none is left it
// returns false and how long until one will be.
func (l *Limiter) Allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.fill(key, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// Remaining returns how many requests key may still make at now, and
// when its bucket will be full again.
func (l *Limiter) Remaining(key string, now time.Time) (n int, full time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.fill(key, now)
	return int(b.tokens), now.Add(time.Duration((l.burst - b.tokens) / l.rate * float64(time.Second)))
}

// Limit is the number of requests a full bucket allows.
func (l *Limiter) Limit() int { return int(l.burst) }

// fill returns key's bucket refilled up to now, making it if needed.
func (l *Limiter) fill(key string, now time.Time) *bucket {
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.maxKeys {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
		b.last = now
	}
	return b
}

// prune drops the buckets that have refilled (their clients are idle);
// if that frees nothing, it drops all: forgetting only ever favours clients.
func (l *Limiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= l.maxKeys {
		clear(l.buckets)
	}
}

// ClientIP is the address a request came from. Behind a reverse proxy on
// the same machine (a loopback peer), it is the last X-Forwarded-For entry,
// the one the proxy added; any other peer's X-Forwarded-For is ignored.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip != nil && ip.IsLoopback() {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if last := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(last) != nil {
				return last
			}
		}
	}
	return host
}
