package store

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The interactions for one account, by the time they were received, for
// reading an account's notifications a page at a time (InteractionsFor)
// rather than all of them.
var (
	// account \x00 received (timeKey) \x00
	// interaction id \x00 object → primary key in bucketInteractions.
	// Derived: Open builds it for interactions recorded before it existed.
	bucketInteractionTimes = []byte("interaction_times")
)

// InteractionAccount is the actor id of the Herald account an interaction
// is for: a mention's object (the account), else the part of the post's
// id before "/posts/" (Herald's post ids are ACTOR/posts/KEY).
func InteractionAccount(i Interaction) string {
	account, _, _ := strings.Cut(i.Object, "/posts/")
	return account
}

func accountTimeKey(account string, at time.Time) []byte {
	return append([]byte(account+"\x00"), timeKey(at)...)
}

func interactionTimeKey(i Interaction) []byte {
	return append(append(accountTimeKey(InteractionAccount(i), i.Received), 0), i.ID+"\x00"+i.Object...)
}

// putInteractionTime indexes i (primary key key) by account and time;
// interactions without a Received time are not indexed.
func putInteractionTime(tx *bolt.Tx, i Interaction, key []byte) error {
	if i.Received.IsZero() {
		return nil
	}
	times, err := tx.CreateBucketIfNotExists(bucketInteractionTimes)
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketInteractionTimes, err)
	}
	return times.Put(interactionTimeKey(i), key)
}

func deleteInteractionTime(tx *bolt.Tx, i Interaction) error {
	if times := tx.Bucket(bucketInteractionTimes); times != nil && !i.Received.IsZero() {
		return times.Delete(interactionTimeKey(i))
	}
	return nil
}

// indexInteractionTimes builds bucketInteractionTimes for interactions
// recorded before it existed. It does nothing when every interaction is
// indexed already.
func indexInteractionTimes(tx *bolt.Tx) error {
	prim := tx.Bucket(bucketInteractions)
	times, err := tx.CreateBucketIfNotExists(bucketInteractionTimes)
	if err != nil || prim == nil || prim.Stats().KeyN == times.Stats().KeyN {
		return err
	}
	return prim.ForEach(func(k, v []byte) error {
		var i Interaction
		if err := decodeJSON(k, v, &i); err != nil {
			return err
		}
		return putInteractionTime(tx, i, bytes.Clone(k))
	})
}

// InteractionsFor returns up to limit interactions for the account
// actorID (InteractionAccount) received strictly after after and before
// before (a zero time is no bound), newest first or oldest first, those
// received at one time in the order of their id and object. Interactions
// without a Received time are not listed.
func (s *Store) InteractionsFor(actorID string, after, before time.Time, newestFirst bool, limit int) ([]Interaction, error) {
	var out []Interaction
	err := s.db.View(func(tx *bolt.Tx) error {
		prim, times := tx.Bucket(bucketInteractions), tx.Bucket(bucketInteractionTimes)
		if prim == nil || times == nil {
			return nil
		}
		lo, hi := []byte(actorID+"\x00"), []byte(actorID+"\x01")
		if !after.IsZero() {
			lo = accountTimeKey(actorID, after.Add(time.Nanosecond))
		}
		if !before.IsZero() {
			hi = accountTimeKey(actorID, before)
		}
		c := times.Cursor()
		next := c.Next
		k, v := c.Seek(lo)
		if newestFirst {
			next = c.Prev
			if k, _ = c.Seek(hi); k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
		for ; k != nil && bytes.Compare(k, lo) >= 0 && bytes.Compare(k, hi) < 0 && len(out) < limit; k, v = next() {
			var i Interaction
			if _, err := getJSON(prim, v, &i); err != nil {
				return err
			}
			out = append(out, i)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("interactions for %s: %w", actorID, err)
	}
	return out, nil
}
