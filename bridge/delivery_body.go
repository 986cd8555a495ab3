package bridge

import (
	"sync"

	"herald/signature"
)

// bodyCacheSize is how many activity bodies the deliverer keeps in memory.
// A fan-out sends one activity to every inbox, so a handful suffice.
const bodyCacheSize = 64

// bodyCache keeps recently delivered activity bodies, with their digests,
// so that a fan-out reads and hashes each once, not once per inbox. Activities never change once
// stored (an edit is a new Update activity), so entries never go stale. It is
// safe for concurrent use.
type bodyCache struct {
	load func(id string) ([]byte, error)

	mu     sync.Mutex
	bodies map[string]signature.Body
}

func newBodyCache(load func(id string) ([]byte, error)) *bodyCache {
	return &bodyCache{load: load, bodies: map[string]signature.Body{}}
}

// get returns the body of activity id, from memory when it can. The bytes
// are shared: callers must not modify them.
func (c *bodyCache) get(id string) (signature.Body, error) {
	c.mu.Lock()
	body, ok := c.bodies[id]
	c.mu.Unlock()
	if ok {
		return body, nil
	}
	raw, err := c.load(id)
	if err != nil {
		return signature.Body{}, err
	}
	body = signature.NewBody(raw)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.bodies) >= bodyCacheSize {
		for k := range c.bodies { // evict an arbitrary entry
			delete(c.bodies, k)
			break
		}
	}
	c.bodies[id] = body
	return body, nil
}
