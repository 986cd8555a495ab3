package signature

import (
	"crypto/sha256"
	"slices"
	"sync"
	"time"
)

// ReplayCache remembers the signatures it has seen until their Date leaves
// the accepted window, so that a captured request cannot be sent again while
// its Date is still valid. It holds at most a fixed number of entries: when
// full it first drops expired entries, then the oldest ones (an attacker
// flooding it can only make it forget, never make it grow).
//
// A ReplayCache is safe for concurrent use.
type ReplayCache struct {
	mu      sync.Mutex
	max     int
	entries map[[sha256.Size]byte]time.Time // signature hash → forget after
	order   [][sha256.Size]byte             // insertion order, oldest first
}

// NewReplayCache returns a cache holding at most max signatures (at least 1).
func NewReplayCache(max int) *ReplayCache {
	if max < 1 {
		max = 1
	}
	return &ReplayCache{max: max, entries: make(map[[sha256.Size]byte]time.Time)}
}

// Seen records the signature value sig, valid until forgetAfter, and reports
// whether it was already recorded and is still valid at now: true means the
// request is a replay. Callers record only signatures that verified, so a
// forger cannot poison the cache with signatures of honest requests it has
// not seen.
func (c *ReplayCache) Seen(sig string, now, forgetAfter time.Time) bool {
	h := sha256.Sum256([]byte(sig))
	c.mu.Lock()
	defer c.mu.Unlock()
	if until, ok := c.entries[h]; ok && now.Before(until) {
		return true
	}
	if len(c.entries) >= c.max {
		c.evict(now)
	}
	if _, ok := c.entries[h]; !ok {
		c.order = append(c.order, h)
	}
	c.entries[h] = forgetAfter
	return false
}

// Forget removes the signature value sig, so that it counts as new again:
// for a caller that recorded it (Seen) but could not finish checking it.
func (c *ReplayCache) Forget(sig string) {
	h := sha256.Sum256([]byte(sig))
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[h]; !ok {
		return
	}
	delete(c.entries, h)
	if i := slices.Index(c.order, h); i >= 0 { // a walk, but forgetting is rare
		c.order = slices.Delete(c.order, i, i+1)
	}
}

// evict drops expired entries, then the oldest until there is room.
func (c *ReplayCache) evict(now time.Time) {
	kept := c.order[:0]
	for _, h := range c.order {
		if until, ok := c.entries[h]; ok && now.Before(until) {
			kept = append(kept, h)
		} else {
			delete(c.entries, h)
		}
	}
	c.order = kept
	for len(c.entries) >= c.max && len(c.order) > 0 {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	if cap(c.order) > 4*c.max { // release the array a long run of appends grew
		c.order = append([][sha256.Size]byte(nil), c.order...)
	}
}

// Len returns the number of signatures held.
func (c *ReplayCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
