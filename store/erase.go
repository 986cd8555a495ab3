package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// RemoteRecord is everything Herald holds about one remote account.
type RemoteRecord struct {
	// Actor is the cached actor document's extract, nil if none is cached.
	Actor *RemoteActor `json:"actor,omitempty"`
	// Following maps each local handle the account follows to the follow.
	Following map[string]Follower `json:"following,omitempty"`
	// Interactions are its likes, boosts and replies.
	Interactions []Interaction `json:"interactions,omitempty"`
	// Flags are the reports it sent.
	Flags []Flag `json:"flags,omitempty"`
}

// Empty reports whether r holds nothing.
func (r RemoteRecord) Empty() bool {
	return r.Actor == nil && len(r.Following) == 0 && len(r.Interactions) == 0 && len(r.Flags) == 0
}

// ExportRemote returns everything stored about the remote actor id.
func (s *Store) ExportRemote(id string) (RemoteRecord, error) {
	var r RemoteRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		var a RemoteActor
		found, err := getJSON(tx.Bucket(bucketRemoteActors), []byte(id), &a)
		if err != nil {
			return err
		}
		if found {
			r.Actor = &a
		}
		if r.Following, err = followsOf(tx, id); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return RemoteRecord{}, fmt.Errorf("export %s: %w", id, err)
	}
	if r.Interactions, err = s.InteractionsBy(id); err != nil {
		return RemoteRecord{}, fmt.Errorf("export %s: %w", id, err)
	}
	flags, err := s.Flags()
	if err != nil {
		return RemoteRecord{}, fmt.Errorf("export %s: %w", id, err)
	}
	for _, f := range flags {
		if f.Actor == id {
			r.Flags = append(r.Flags, f)
		}
	}
	return r, nil
}

// followsOf returns the follows of id, by local handle.
func followsOf(tx *bolt.Tx, id string) (map[string]Follower, error) {
	out := map[string]Follower{}
	top := tx.Bucket(bucketFollowers)
	err := top.ForEach(func(handle, v []byte) error {
		b := top.Bucket(handle)
		if v != nil || b == nil {
			return nil
		}
		var f Follower
		found, err := getJSON(b, []byte(id), &f)
		if found {
			out[string(handle)] = f
		}
		return err
	})
	return out, err
}

// EraseRemote removes everything stored about the remote actor id: its
// follows of every local actor, its interactions, its reports and its
// cached actor and key, in one transaction. It returns what was removed.
// Deliveries already queued to its inbox are left to finish or fail.
func (s *Store) EraseRemote(id string) (RemoteRecord, error) {
	r, err := s.ExportRemote(id)
	if err != nil {
		return RemoteRecord{}, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		top := tx.Bucket(bucketFollowers)
		for handle := range r.Following {
			if err := top.Bucket([]byte(handle)).Delete([]byte(id)); err != nil {
				return err
			}
		}
		if err := eraseInteractions(tx, id); err != nil {
			return err
		}
		if b := tx.Bucket(bucketFlags); b != nil {
			for _, f := range r.Flags {
				if err := b.Delete([]byte(f.ID)); err != nil {
					return err
				}
			}
		}
		return eraseRemoteActor(tx, r.Actor)
	})
	if err != nil {
		return RemoteRecord{}, fmt.Errorf("erase %s: %w", id, err)
	}
	return r, nil
}

func eraseInteractions(tx *bolt.Tx, actor string) error {
	prim, ids, actors := tx.Bucket(bucketInteractions), tx.Bucket(bucketInteractionIDs), tx.Bucket(bucketInteractionActors)
	if prim == nil {
		return nil
	}
	gone, err := interactionsOf(prim, actors, actor)
	if err != nil {
		return err
	}
	for _, i := range gone {
		if err := deleteInteraction(prim, ids, actors, i); err != nil {
			return err
		}
	}
	return nil
}

func eraseRemoteActor(tx *bolt.Tx, a *RemoteActor) error {
	if a == nil {
		return nil
	}
	keys := tx.Bucket(bucketRemoteKeys)
	if a.KeyID != "" && string(keys.Get([]byte(a.KeyID))) == a.ID {
		if err := keys.Delete([]byte(a.KeyID)); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketRemoteActors).Delete([]byte(a.ID))
}

// MoveFollower replaces the follower oldID of handle by to (a Move of the
// follower's account), keeping the original Since. moved is false when
// oldID did not follow handle.
func (s *Store) MoveFollower(handle, oldID string, to Follower) (moved bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := actorBucket(tx, bucketFollowers, handle, false)
		if err != nil || b == nil {
			return err
		}
		var old Follower
		if found, err := getJSON(b, []byte(oldID), &old); err != nil || !found {
			return err
		}
		moved = true
		to.Since = old.Since
		if err := b.Delete([]byte(oldID)); err != nil {
			return err
		}
		return putJSON(b, []byte(to.ID), to)
	})
	if err != nil {
		return false, fmt.Errorf("move follower %s of %s: %w", oldID, handle, err)
	}
	return moved, nil
}
