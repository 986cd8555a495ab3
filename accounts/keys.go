package accounts

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"

	"herald/actor"
	"herald/config"
	"herald/keyseal"
	"herald/lru"
)

// instanceKeyName is the store key of the instance actor's key. It cannot
// clash with a handle: handles have no "@".
const instanceKeyName = "@instance"

// signingKey is a private key and the id under which peers find its public
// half. In keyring.actors the private key is nil: it is loaded on demand
// (keyring.private), so that thousands of accounts do not keep thousands of
// parsed RSA keys in memory.
type signingKey struct {
	id      string
	private *rsa.PrivateKey
	pem     string // public key, PKIX PEM
}

// privateKeyCacheSize is how many actors' parsed private keys stay in memory.
const privateKeyCacheSize = 256

// keyring holds the keys of every local actor: ids and public keys for all,
// private keys on demand with the most recently used ones cached. Safe for
// concurrent use.
type keyring struct {
	actors   map[string]signingKey // by handle; read-only after loadKeyring
	instance signingKey            // always loaded: it signs every fetch
	store    keyStore
	sealer   *keyseal.Sealer
	// cache holds the parsed private keys; a fan-out's first requests
	// share one load (parsing a key costs about a tenth of a signature).
	cache *lru.Cache[*rsa.PrivateKey]
}

// previousKeyName is where a rotated-out key of handle is kept.
func previousKeyName(handle string) string { return handle + "@previous" }

// private returns the private key stored under name (a handle, or
// previousKeyName of one), from the cache or the store.
func (k *keyring) private(name string) (*rsa.PrivateKey, error) {
	return k.cache.GetOrLoad(name, func() (*rsa.PrivateKey, error) { return k.load(name) })
}

// load reads, unseals and parses the private key stored under name.
func (k *keyring) load(name string) (*rsa.PrivateKey, error) {
	handle := name
	if base, found := strings.CutSuffix(name, "@previous"); found {
		handle = base
	}
	if _, ok := k.actors[handle]; !ok {
		return nil, fmt.Errorf("no key for actor %q", handle)
	}
	stored, err := k.store.ActorKey(name, func() ([]byte, error) { return nil, errors.New("key missing from the store") })
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", name, err)
	}
	pemBytes, err := unseal(k.store, k.sealer, name, stored)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", name, err)
	}
	key, err := actor.ParsePrivateKeyPEM(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", name, err)
	}
	return key, nil
}

// newSealer returns the sealer of key_encryption_key, nil when it is unset.
func newSealer(kek string) (*keyseal.Sealer, error) {
	if kek == "" {
		return nil, nil
	}
	key, err := keyseal.ParseKey(kek)
	if err != nil {
		return nil, err
	}
	return keyseal.New(key)
}

// loadKeyring loads each actor's key from the store, generating and storing
// it on first start. Keys never change afterwards: followers' servers pin
// them. With a sealer, keys are stored encrypted, and keys stored in clear
// by an earlier start are encrypted in place.
func loadKeyring(st keyStore, urls actor.URLs, feeds []config.Feed, sealer *keyseal.Sealer) (*keyring, error) {
	k := &keyring{actors: map[string]signingKey{}, store: st, sealer: sealer, cache: lru.New[*rsa.PrivateKey](privateKeyCacheSize)}
	var err error
	if k.instance, err = loadKey(st, sealer, instanceKeyName, urls.InstanceKeyID()); err != nil {
		return nil, err
	}
	for _, f := range feeds {
		key, err := loadKey(st, sealer, f.Handle, urls.KeyID(f.Handle))
		if err != nil {
			return nil, err
		}
		key.private = nil // loaded again when needed (see private)
		k.actors[f.Handle] = key
	}
	return k, nil
}

func loadKey(st keyStore, sealer *keyseal.Sealer, name, keyID string) (signingKey, error) {
	stored, err := st.ActorKey(name, func() ([]byte, error) {
		fresh, err := actor.GenerateKeyPEM()
		if err != nil || sealer == nil {
			return fresh, err
		}
		return sealer.Seal(fresh, name)
	})
	if err != nil {
		return signingKey{}, fmt.Errorf("key of %s: %w", name, err)
	}
	pemBytes, err := unseal(st, sealer, name, stored)
	if err != nil {
		return signingKey{}, fmt.Errorf("key of %s: %w", name, err)
	}
	priv, err := actor.ParsePrivateKeyPEM(pemBytes)
	if err != nil {
		return signingKey{}, fmt.Errorf("key of %s: %w", name, err)
	}
	pub, err := actor.PublicKeyPEM(&priv.PublicKey)
	if err != nil {
		return signingKey{}, fmt.Errorf("key of %s: %w", name, err)
	}
	return signingKey{id: keyID, private: priv, pem: pub}, nil
}

// unseal returns the PEM of a stored key: it opens a sealed one, and seals
// a clear one in the store when a sealer is configured.
func unseal(st keyStore, sealer *keyseal.Sealer, name string, stored []byte) ([]byte, error) {
	switch {
	case keyseal.IsSealed(stored) && sealer == nil:
		return nil, errors.New("the keys are encrypted: set key_encryption_key (HERALD_KEY_ENCRYPTION_KEY)")
	case keyseal.IsSealed(stored):
		return sealer.Open(stored, name)
	case sealer != nil:
		sealed, err := sealer.Seal(stored, name)
		if err != nil {
			return nil, err
		}
		if _, err := st.ResealActorKey(name, stored, sealed); err != nil {
			return nil, fmt.Errorf("encrypt stored key: %w", err)
		}
	}
	return stored, nil
}
