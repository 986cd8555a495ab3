package bridge

import (
	"container/list"
	"sync"

	"golang.org/x/sync/singleflight"
)

// lru is a small least-recently-used cache from string keys to values. It
// is safe for concurrent use.
type lru[V any] struct {
	mu    sync.Mutex
	size  int
	order *list.List // front: most recent; elements hold *lruEntry[V]
	items map[string]*list.Element
	loads singleflight.Group // see getOrLoad
}

type lruEntry[V any] struct {
	key   string
	value V
}

func newLRU[V any](size int) *lru[V] {
	return &lru[V]{size: size, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*lruEntry[V]).value, true
	}
	var zero V
	return zero, false
}

func (c *lru[V]) put(key string, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		e.Value.(*lruEntry[V]).value = value
		c.order.MoveToFront(e)
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry[V]{key: key, value: value})
	if c.order.Len() > c.size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*lruEntry[V]).key)
	}
}

// getOrLoad returns the value of key, loading it with load (and keeping it)
// when it is missing. Callers that miss the same key at once share one
// load, as the first thousand requests of a fan-out do for its body and
// its signing key. A failed load is not kept.
func (c *lru[V]) getOrLoad(key string, load func() (V, error)) (V, error) {
	if v, ok := c.get(key); ok {
		return v, nil
	}
	v, err, _ := c.loads.Do(key, func() (any, error) {
		if v, ok := c.get(key); ok {
			return v, nil // loaded while this caller waited for the group
		}
		v, err := load()
		if err != nil {
			return nil, err
		}
		c.put(key, v)
		return v, nil
	})
	if err != nil {
		var zero V
		return zero, err
	}
	return v.(V), nil
}
