package store

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Interaction kinds.
const (
	KindLike  = "like"
	KindShare = "share"
	// KindReply is a public or unlisted reply to one of Herald's posts.
	KindReply = "reply"
	// KindMention is any other post for one of Herald's accounts: one
	// that mentions it or is addressed to it (a direct message), and a
	// reply to its posts that is not public or unlisted.
	KindMention = "mention"
)

// Visibilities of a received post (Interaction.Visibility), as Mastodon
// names them.
const (
	VisibilityPublic   = "public"   // addressed to as:Public
	VisibilityUnlisted = "unlisted" // as:Public only in cc
	VisibilityPrivate  = "private"  // to the author's followers, not public
	VisibilityDirect   = "direct"   // to the named actors only
)

// isPost reports whether interactions of kind are posts (replies and
// mentions), which an actor may make many of on one object, and whose
// edits replace what is stored.
func isPost(kind string) bool { return kind == KindReply || kind == KindMention }

// Buckets of interactions. They are created on first write, so a database
// from an older Herald opens unchanged; readers treat a missing bucket as
// empty.
var (
	// object id \x00 kind \x00 interaction id → Interaction JSON
	bucketInteractions = []byte("interactions")
	// interaction id → primary key in bucketInteractions
	bucketInteractionIDs = []byte("interaction_ids")
	// actor \x00 object \x00 kind \x00 interaction id → primary key
	bucketInteractionActors = []byte("interaction_actors")
)

// Interaction is a like, a boost (share), a reply or a mention of a remote
// actor on one of Herald's posts or accounts.
type Interaction struct {
	// ID is the id of the Like or Announce activity, or of the Note (reply
	// or mention).
	ID string `json:"id"`
	// Kind is KindLike, KindShare, KindReply or KindMention.
	Kind string `json:"kind"`
	// Actor is the remote actor's id.
	Actor string `json:"actor"`
	// Object is what it is on, and so which account it is for: the id of
	// Herald's post (likes, boosts, replies), or the actor id of the
	// account mentioned or written to (mentions).
	Object string `json:"object"`
	// Content is the post's sanitised HTML; URL its web page; Summary its
	// content warning, as plain text (replies and mentions only).
	Content string `json:"content,omitempty"`
	URL     string `json:"url,omitempty"`
	Summary string `json:"summary,omitempty"`
	// Visibility is a Visibility* constant (replies and mentions; ""
	// for replies recorded before Herald kept it: public).
	Visibility string `json:"visibility,omitempty"`
	// InReplyTo is the post it answers, Herald's or another ("" for
	// none; replies recorded before Herald kept it answer Object).
	InReplyTo string `json:"in_reply_to,omitempty"`
	// Published is the post's publication time (replies and mentions).
	Published time.Time `json:"published,omitzero"`
	// Received is when Herald recorded it.
	Received time.Time `json:"received"`
}

func interactionKey(object, kind, id string) []byte {
	return []byte(object + "\x00" + kind + "\x00" + id)
}

func actorIndexKey(i Interaction) []byte {
	return []byte(i.Actor + "\x00" + i.Object + "\x00" + i.Kind + "\x00" + i.ID)
}

// interactionBuckets returns the three buckets, creating them when tx is
// writable; nil buckets in a read-only transaction mean no interactions yet.
func interactionBuckets(tx *bolt.Tx) (prim, ids, actors *bolt.Bucket, err error) {
	if !tx.Writable() {
		return tx.Bucket(bucketInteractions), tx.Bucket(bucketInteractionIDs), tx.Bucket(bucketInteractionActors), nil
	}
	bs := make([]*bolt.Bucket, 3)
	for i, name := range [][]byte{bucketInteractions, bucketInteractionIDs, bucketInteractionActors} {
		if bs[i], err = tx.CreateBucketIfNotExists(name); err != nil {
			return nil, nil, nil, fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return bs[0], bs[1], bs[2], nil
}

// AddInteraction records i. It is idempotent: an interaction whose id is
// already recorded on the same object changes nothing (isNew false), and
// so does a second like or boost of the same post by the same actor under
// another id (Mastodon keeps one per actor and post). A post (reply or
// mention) may be recorded once for each object it is for, under the
// same id, by the actor that recorded it first: a post for two of
// Herald's accounts is recorded for each. A reply or mention recorded
// again by its own actor as the same kind on the same object (an Update
// of the Note) replaces what is stored, but for Received. Concurrent
// calls are committed together (group commit, see batch); each returns
// once its write is durable.
func (s *Store) AddInteraction(i Interaction) (isNew bool, err error) {
	if i.ID == "" || i.Actor == "" || i.Object == "" {
		return false, fmt.Errorf("add interaction: id, actor and object are required")
	}
	// batch lets concurrent inbox requests share one commit (and fsync);
	// the function is idempotent, as batch requires: run again, it finds
	// its own write and changes nothing.
	err = s.batch(func(tx *bolt.Tx) error {
		isNew = false
		prim, ids, actors, err := interactionBuckets(tx)
		if err != nil {
			return err
		}
		if first := ids.Get([]byte(i.ID)); first != nil {
			var prev Interaction
			if _, err := getJSON(prim, first, &prev); err != nil {
				return err
			}
			if !isPost(i.Kind) || !isPost(prev.Kind) || prev.Actor != i.Actor {
				return nil
			}
			if old := prim.Get(interactionKey(i.Object, i.Kind, i.ID)); old != nil {
				return replacePost(prim, i)
			}
			if prev.Object == i.Object || ids.Get(copyKey(i)) != nil {
				return nil // the same object as another kind
			}
			isNew = true
			return putInteraction(prim, ids, actors, i, copyKey(i))
		}
		if !isPost(i.Kind) && hasPrefix(actors, []byte(i.Actor+"\x00"+i.Object+"\x00"+i.Kind+"\x00")) {
			return nil
		}
		isNew = true
		return putInteraction(prim, ids, actors, i, []byte(i.ID))
	})
	if err != nil {
		return false, fmt.Errorf("add %s %s: %w", i.Kind, i.ID, err)
	}
	return isNew, nil
}

// In bucketInteractionIDs, the first interaction recorded with an id is
// under the id; the further ones with that id (a post for several
// accounts) under copyKey: the id, \x00, the object.
func copyKey(i Interaction) []byte { return []byte(i.ID + "\x00" + i.Object) }

func copyPrefix(id string) []byte { return []byte(id + "\x00") }

// replacePost stores an edited post over the one with its key, keeping
// Received.
func replacePost(prim *bolt.Bucket, i Interaction) error {
	key := interactionKey(i.Object, i.Kind, i.ID)
	var prev Interaction
	if _, err := getJSON(prim, key, &prev); err != nil {
		return err
	}
	i.Received = prev.Received
	return putJSON(prim, key, i)
}

// putInteraction writes a new interaction and its index entries, the id
// entry under idKey.
func putInteraction(prim, ids, actors *bolt.Bucket, i Interaction, idKey []byte) error {
	key := interactionKey(i.Object, i.Kind, i.ID)
	if err := putJSON(prim, key, i); err != nil {
		return err
	}
	if err := ids.Put(idKey, key); err != nil {
		return err
	}
	if err := putInteractionTime(prim.Tx(), i, key); err != nil {
		return err
	}
	return actors.Put(actorIndexKey(i), key)
}

func hasPrefix(b *bolt.Bucket, prefix []byte) bool {
	k, _ := b.Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix)
}

// Interaction returns the interaction with id; of a post recorded for
// several objects, one of them (the earliest received).
func (s *Store) Interaction(id string) (i Interaction, found bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		prim, ids, _, _ := interactionBuckets(tx)
		if ids == nil {
			return nil
		}
		key := ids.Get([]byte(id))
		if key == nil {
			return nil
		}
		found, err = getJSON(prim, key, &i)
		return err
	})
	return i, found, err
}

// RemoveInteraction removes the interaction id if actor made it (an Undo
// or Delete by anyone else changes nothing), on every object it was
// recorded for. ok tells whether it did; removed is one of them (the
// earliest received).
func (s *Store) RemoveInteraction(id, actor string) (removed Interaction, ok bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		prim, ids, actors, err := interactionBuckets(tx)
		if err != nil {
			return err
		}
		keys := [][]byte{ids.Get([]byte(id))}
		if keys[0] == nil {
			return nil
		}
		c := ids.Cursor()
		for k, v := c.Seek(copyPrefix(id)); k != nil && bytes.HasPrefix(k, copyPrefix(id)); k, v = c.Next() {
			keys = append(keys, bytes.Clone(v))
		}
		for n, key := range keys {
			var i Interaction
			if _, err := getJSON(prim, key, &i); err != nil || i.Actor != actor {
				return err
			}
			if n == 0 {
				ok, removed = true, i
			}
			if err := deleteInteraction(prim, ids, actors, i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Interaction{}, false, fmt.Errorf("remove interaction %s: %w", id, err)
	}
	return removed, ok, nil
}

// deleteInteraction removes i and its index entries. When i is the first
// recorded with its id and copies remain, the first copy takes its place
// under the id.
func deleteInteraction(prim, ids, actors *bolt.Bucket, i Interaction) error {
	key := interactionKey(i.Object, i.Kind, i.ID)
	if err := prim.Delete(key); err != nil {
		return err
	}
	if err := actors.Delete(actorIndexKey(i)); err != nil {
		return err
	}
	if err := deleteInteractionTime(prim.Tx(), i); err != nil {
		return err
	}
	if !bytes.Equal(ids.Get([]byte(i.ID)), key) {
		return ids.Delete(copyKey(i))
	}
	k, v := ids.Cursor().Seek(copyPrefix(i.ID))
	if k == nil || !bytes.HasPrefix(k, copyPrefix(i.ID)) {
		return ids.Delete([]byte(i.ID))
	}
	k, v = bytes.Clone(k), bytes.Clone(v)
	if err := ids.Put([]byte(i.ID), v); err != nil {
		return err
	}
	return ids.Delete(k)
}

// InteractionsBy returns every interaction of actor.
func (s *Store) InteractionsBy(actor string) ([]Interaction, error) {
	var out []Interaction
	err := s.db.View(func(tx *bolt.Tx) error {
		prim, _, actors, _ := interactionBuckets(tx)
		if actors == nil {
			return nil
		}
		var err error
		out, err = interactionsOf(prim, actors, actor)
		return err
	})
	return out, err
}

// interactionsOf reads the interactions of actor through the actor index.
func interactionsOf(prim, actors *bolt.Bucket, actor string) ([]Interaction, error) {
	var out []Interaction
	prefix := []byte(actor + "\x00")
	c := actors.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var i Interaction
		if _, err := getJSON(prim, v, &i); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, nil
}

// Interactions returns up to limit interactions of kind on object, ordered
// by id, and their total number.
func (s *Store) Interactions(object, kind string, limit int) (items []Interaction, total int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		prim, _, _, _ := interactionBuckets(tx)
		if prim == nil {
			return nil
		}
		prefix := []byte(object + "\x00" + kind + "\x00")
		c := prim.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			total++
			if len(items) >= limit {
				continue
			}
			var i Interaction
			if err := decodeJSON(k, v, &i); err != nil {
				return err
			}
			items = append(items, i)
		}
		return nil
	})
	return items, total, err
}

// InteractionsOn returns every interaction on an object whose id starts
// with prefix (an account's posts: BASE/users/HANDLE/posts/), ordered by
// object, kind and id.
func (s *Store) InteractionsOn(prefix string) ([]Interaction, error) {
	var out []Interaction
	err := s.db.View(func(tx *bolt.Tx) error {
		prim, _, _, _ := interactionBuckets(tx)
		if prim == nil {
			return nil
		}
		c := prim.Cursor()
		for k, v := c.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)); k, v = c.Next() {
			var i Interaction
			if err := decodeJSON(k, v, &i); err != nil {
				return err
			}
			out = append(out, i)
		}
		return nil
	})
	return out, err
}

// InteractionCounts counts the interactions on every post whose id starts
// with prefix (an account's posts: BASE/users/HANDLE/posts/), by kind. It
// reads keys only, one cursor pass over that account's interactions.
func (s *Store) InteractionCounts(prefix string) (map[string]int, error) {
	counts := map[string]int{}
	err := s.db.View(func(tx *bolt.Tx) error {
		prim, _, _, _ := interactionBuckets(tx)
		if prim == nil {
			return nil
		}
		c := prim.Cursor()
		for k, _ := c.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)); k, _ = c.Next() {
			// k is object \x00 kind \x00 id.
			if parts := bytes.SplitN(k, []byte{0}, 3); len(parts) == 3 {
				counts[string(parts[1])]++
			}
		}
		return nil
	})
	return counts, err
}

// RemoveInteractionsBy removes every interaction of actor and returns how
// many there were.
func (s *Store) RemoveInteractionsBy(actor string) (n int, err error) {
	before, err := s.InteractionsBy(actor)
	if err != nil {
		return 0, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error { return eraseInteractions(tx, actor) })
	if err != nil {
		return 0, fmt.Errorf("remove interactions of %s: %w", actor, err)
	}
	return len(before), nil
}
