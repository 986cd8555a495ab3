package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// RemoteActor is the cached part of a remote actor document that Herald
// needs: where to deliver, how to check its signatures, and how to show
// the account in the client API.
type RemoteActor struct {
	ID           string `json:"id"`
	Inbox        string `json:"inbox"`
	SharedInbox  string `json:"shared_inbox,omitempty"`
	KeyID        string `json:"key_id"`
	PublicKeyPEM string `json:"public_key_pem"`
	// Username is the actor's preferredUsername; Name its display name
	// (plain text); Icon its avatar's URL; URL its profile page; Followers
	// its followers collection. Each may be "" (and is in actors cached
	// before Herald kept them, until they are fetched again).
	Username  string    `json:"username,omitempty"`
	Name      string    `json:"name,omitempty"`
	Icon      string    `json:"icon,omitempty"`
	URL       string    `json:"url,omitempty"`
	Followers string    `json:"followers,omitempty"`
	FetchedAt time.Time `json:"fetched_at"`
}

// RemoteActor returns the cached actor with id; found is false when none is cached.
func (s *Store) RemoteActor(id string) (a RemoteActor, found bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		found, err = getJSON(tx.Bucket(bucketRemoteActors), []byte(id), &a)
		return err
	})
	return a, found, err
}

// RemoteActorByKey returns the cached actor owning keyID.
func (s *Store) RemoteActorByKey(keyID string) (a RemoteActor, found bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketRemoteKeys).Get([]byte(keyID))
		if id == nil {
			return nil
		}
		found, err = getJSON(tx.Bucket(bucketRemoteActors), id, &a)
		return err
	})
	if err == nil && found && a.KeyID != keyID {
		// A stale index entry: the actor has moved to another key.
		return RemoteActor{}, false, nil
	}
	return a, found, err
}

// SaveRemoteActor caches a (replacing the previous copy and its key index).
// The index entry of a's previous key is removed only while it still names
// a (another actor may have taken the key over). An actor without a KeyID is
// cached but cannot be found by key. Concurrent calls share a commit (group
// commit, see batch), as a burst of Follows from new servers makes many at once.
func (s *Store) SaveRemoteActor(a RemoteActor) error {
	return s.batch(func(tx *bolt.Tx) error {
		actors, keys := tx.Bucket(bucketRemoteActors), tx.Bucket(bucketRemoteKeys)
		var old RemoteActor
		found, err := getJSON(actors, []byte(a.ID), &old)
		if err != nil {
			return err
		}
		if found && old.KeyID != a.KeyID && old.KeyID != "" && string(keys.Get([]byte(old.KeyID))) == a.ID {
			if err := keys.Delete([]byte(old.KeyID)); err != nil {
				return err
			}
		}
		if err := putJSON(actors, []byte(a.ID), a); err != nil {
			return err
		}
		if a.KeyID == "" {
			return nil
		}
		return keys.Put([]byte(a.KeyID), []byte(a.ID))
	})
}
