package bridge

import (
	"crypto/rsa"
	"errors"
	"fmt"

	"herald/actor"
	"herald/config"
	"herald/keyseal"
	"herald/store"
)

// instanceKeyName is the store key of the instance actor's key. It cannot
// clash with a handle: handles have no "@".
const instanceKeyName = "@instance"

// signingKey is a private key and the id under which peers find its public half.
type signingKey struct {
	id      string
	private *rsa.PrivateKey
	pem     string // public key, PKIX PEM
}

// keyring holds the signing keys of every local actor. It is read-only after
// loadKeyring, so safe for concurrent use.
type keyring struct {
	actors   map[string]signingKey // by handle
	instance signingKey
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
func loadKeyring(st *store.Store, urls actor.URLs, feeds []config.Feed, sealer *keyseal.Sealer) (*keyring, error) {
	k := &keyring{actors: map[string]signingKey{}}
	var err error
	if k.instance, err = loadKey(st, sealer, instanceKeyName, urls.InstanceKeyID()); err != nil {
		return nil, err
	}
	for _, f := range feeds {
		if k.actors[f.Handle], err = loadKey(st, sealer, f.Handle, urls.KeyID(f.Handle)); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func loadKey(st *store.Store, sealer *keyseal.Sealer, name, keyID string) (signingKey, error) {
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
func unseal(st *store.Store, sealer *keyseal.Sealer, name string, stored []byte) ([]byte, error) {
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
