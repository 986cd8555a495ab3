package delivery

import (
	"herald/lru"
	"herald/signature"
)

// bodyCacheSize is how many activity bodies the Deliverer keeps in memory.
// A fan-out sends one activity to every inbox, so a handful suffice.
const bodyCacheSize = 64

// bodyCache keeps recently delivered activity bodies, with their digests,
// so that a fan-out reads and hashes each once, not once per inbox: the
// requests that miss the cache for the same activity at once (the first
// thousand of a fan-out) share one load. Activities never change once
// stored (an edit is a new Update activity), so entries never go stale. It
// is safe for concurrent use.
type bodyCache struct {
	load   func(id string) ([]byte, error)
	bodies *lru.Cache[signature.Body]
}

func newBodyCache(load func(id string) ([]byte, error)) *bodyCache {
	return &bodyCache{load: load, bodies: lru.New[signature.Body](bodyCacheSize)}
}

// get returns the body of activity id, from memory when it can. The bytes
// are shared: callers must not modify them.
func (c *bodyCache) get(id string) (signature.Body, error) {
	return c.bodies.GetOrLoad(id, func() (signature.Body, error) {
		raw, err := c.load(id)
		if err != nil {
			return signature.Body{}, err
		}
		return signature.NewBody(raw), nil
	})
}
