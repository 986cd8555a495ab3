package store

// Signatures the inbox has seen, for replay detection across replicas.
//
// A signed request is good for the window around its Date; within it, the
// very same request sent again (a replay) must be refused, by whichever
// replica it reaches. The inbox records the SHA-256 digest of every
// signature that verified (SeeSignature), with the end of its window, and
// refuses a request whose signature was recorded before. Expired digests
// are removed now and then (PruneSignatures).
//
// The bbolt store serves one process: it keeps the digests in memory
// (claimTable); a restart forgets them, as the inbox's own cache does. It
// holds at most maxSeenSignatures of them (about 100 bytes each): when
// full, it drops the expired ones and then, if still full, arbitrary ones,
// so a flood of verified requests can make it forget, never grow without
// bound. (The PostgreSQL store holds every digest until it is pruned.)

import (
	"fmt"
	"sort"
	"time"
)

// SignatureDigestSize is the length of a signature's digest (SHA-256).
const SignatureDigestSize = 32

// maxSeenSignatures bounds the digests the bbolt store holds in memory:
// an hour of about 290 verified requests a second.
const maxSeenSignatures = 1 << 20

// SeeSignature records the signature whose SHA-256 digest is digest, valid
// until until, and reports whether it was recorded already and still
// valid at now: true means the request is a replay, and nothing changes.
// A digest recorded before whose validity ended by now counts as new.
func (s *Store) SeeSignature(digest []byte, now, until time.Time) (seen bool, err error) {
	if len(digest) != SignatureDigestSize {
		return false, fmt.Errorf("see signature: digest of %d bytes, want %d", len(digest), SignatureDigestSize)
	}
	key := [SignatureDigestSize]byte(digest)
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.signatures[key]; ok && now.Before(prev) {
		return true, nil
	}
	if len(c.signatures) >= c.maxSignatures {
		c.makeRoomForSignature(now)
	}
	c.signatures[key] = until
	return false, nil
}

// makeRoomForSignature drops the expired digests and then, while the table
// is still full, arbitrary ones (Go's map order). c.mu is held.
func (c *claimTable) makeRoomForSignature(now time.Time) {
	for k, until := range c.signatures {
		if !now.Before(until) {
			delete(c.signatures, k)
		}
	}
	for k := range c.signatures {
		if len(c.signatures) < c.maxSignatures {
			return
		}
		delete(c.signatures, k)
	}
}

// PruneSignatures removes up to limit recorded signatures whose validity
// ended by now, earliest first, and returns how many it removed; the
// caller calls again while it removes limit.
func (s *Store) PruneSignatures(now time.Time, limit int) (int, error) {
	c := s.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	type expired struct {
		key   [SignatureDigestSize]byte
		until time.Time
	}
	var ended []expired
	for k, until := range c.signatures {
		if !now.Before(until) {
			ended = append(ended, expired{k, until})
		}
	}
	sort.Slice(ended, func(i, j int) bool { return ended[i].until.Before(ended[j].until) })
	if len(ended) > limit {
		ended = ended[:max(limit, 0)]
	}
	for _, e := range ended {
		delete(c.signatures, e.key)
	}
	return len(ended), nil
}
