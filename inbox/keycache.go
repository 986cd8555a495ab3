package inbox

import (
	"context"
	"crypto"
	"sync"
	"time"

	"herald/signature"
)

// Bounds of the in-memory key cache.
const (
	keyCacheSize = 10_000
	keyCacheTTL  = time.Hour
)

// keyCache keeps parsed public keys in memory, so a busy inbox verifies
// without a database read and a PEM parse per request. Entries live
// keyCacheTTL (the store's copy is trusted for a day and refetched after);
// when full, the cache is emptied and refills from the store. Safe for
// concurrent use.
type keyCache struct {
	mu      sync.Mutex
	entries map[string]cachedKey // by key id
}

type cachedKey struct {
	pub   crypto.PublicKey
	owner string
	until time.Time
}

func newKeyCache() *keyCache { return &keyCache{entries: map[string]cachedKey{}} }

func (c *keyCache) get(keyID string, now time.Time) (cachedKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.entries[keyID]
	return k, ok && now.Before(k.until)
}

func (c *keyCache) put(keyID string, pub crypto.PublicKey, owner string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= keyCacheSize {
		clear(c.entries)
	}
	c.entries[keyID] = cachedKey{pub: pub, owner: owner, until: now.Add(keyCacheTTL)}
}

// dropOwner forgets every key of owner (its account was deleted).
func (c *keyCache) dropOwner(owner string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, k := range c.entries {
		if k.owner == owner {
			delete(c.entries, id)
		}
	}
}

// cachedResolver resolves keys from memory first, then through next (the
// store and the network), remembering what next returns. With refresh
// true it always asks next (the key may have been rotated).
func (c *keyCache) resolver(next signature.KeyResolver, refresh bool, now func() time.Time) signature.KeyResolver {
	return func(ctx context.Context, keyID string) (crypto.PublicKey, string, error) {
		if !refresh {
			if k, ok := c.get(keyID, now()); ok {
				return k.pub, k.owner, nil
			}
		}
		pub, owner, err := next(ctx, keyID)
		if err == nil {
			c.put(keyID, pub, owner, now())
		}
		return pub, owner, err
	}
}
