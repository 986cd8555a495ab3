package bridge

import (
	"crypto/rsa"
	"fmt"

	"herald/actor"
	"herald/config"
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

// loadKeyring loads each actor's key from the store, generating and storing
// it on first start. Keys never change afterwards: followers' servers pin them.
func loadKeyring(st *store.Store, urls actor.URLs, feeds []config.Feed) (*keyring, error) {
	k := &keyring{actors: map[string]signingKey{}}
	var err error
	if k.instance, err = loadKey(st, instanceKeyName, urls.InstanceKeyID()); err != nil {
		return nil, err
	}
	for _, f := range feeds {
		if k.actors[f.Handle], err = loadKey(st, f.Handle, urls.KeyID(f.Handle)); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func loadKey(st *store.Store, name, keyID string) (signingKey, error) {
	pemBytes, err := st.ActorKey(name, actor.GenerateKeyPEM)
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
