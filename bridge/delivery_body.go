package bridge

import "sync"

// bodyCacheSize is how many activity bodies the deliverer keeps in memory.
// A fan-out sends one activity to every inbox, so a handful suffice.
const bodyCacheSize = 64

// bodyCache keeps recently delivered activity bodies so that a fan-out reads
// each from the store once, not once per inbox. Activities never change once
// stored (an edit is a new Update activity), so entries never go stale. It is
// safe for concurrent use.
type bodyCache struct {
	load func(id string) ([]byte, error)

	mu     sync.Mutex
	bodies map[string][]byte
}

func newBodyCache(load func(id string) ([]byte, error)) *bodyCache {
	return &bodyCache{load: load, bodies: map[string][]byte{}}
}

// get returns the body of activity id, from memory when it can. The slice
// is shared: callers must not modify it.
func (c *bodyCache) get(id string) ([]byte, error) {
	c.mu.Lock()
	body, ok := c.bodies[id]
	c.mu.Unlock()
	if ok {
		return body, nil
	}
	body, err := c.load(id)
	if err != nil {
		return nil, err
	}
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
