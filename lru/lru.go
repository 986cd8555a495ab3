// Package lru provides a small least-recently-used cache whose loads are
// shared: callers that miss the same key at once wait for one load. Herald
// keeps parsed private keys, activity bodies and the hosts that refuse
// unsigned fetches in it.
package lru

import (
	"container/list"
	"sync"

	"golang.org/x/sync/singleflight"
)

// Cache maps string keys to values and keeps at most its size of them,
// dropping the least recently used first. It is safe for concurrent use.
type Cache[V any] struct {
	mu    sync.Mutex
	size  int
	order *list.List // front: most recent; elements hold *entry[V]
	items map[string]*list.Element
	loads singleflight.Group // see GetOrLoad
}

type entry[V any] struct {
	key   string
	value V
}

// New returns an empty cache that holds at most size values.
func New[V any](size int) *Cache[V] {
	return &Cache[V]{size: size, order: list.New(), items: map[string]*list.Element{}}
}

// Get returns the value of key and marks it the most recently used.
func (c *Cache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*entry[V]).value, true
	}
	var zero V
	return zero, false
}

// Put sets the value of key, dropping the least recently used value when
// the cache is full.
func (c *Cache[V]) Put(key string, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		e.Value.(*entry[V]).value = value
		c.order.MoveToFront(e)
		return
	}
	c.items[key] = c.order.PushFront(&entry[V]{key: key, value: value})
	if c.order.Len() > c.size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*entry[V]).key)
	}
}

// GetOrLoad returns the value of key, loading it with load (and keeping it)
// when it is missing. Callers that miss the same key at once share one
// load, as the first thousand requests of a fan-out do for its body and
// its signing key. A failed load is not kept.
func (c *Cache[V]) GetOrLoad(key string, load func() (V, error)) (V, error) {
	if v, ok := c.Get(key); ok {
		return v, nil
	}
	v, err, _ := c.loads.Do(key, func() (any, error) {
		if v, ok := c.Get(key); ok {
			return v, nil // loaded while this caller waited for the group
		}
		v, err := load()
		if err != nil {
			return nil, err
		}
		c.Put(key, v)
		return v, nil
	})
	if err != nil {
		var zero V
		return zero, err
	}
	return v.(V), nil
}
