package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Follower is a remote actor following one of Herald's actors.
type Follower struct {
	// ID is the follower's actor id.
	ID string `json:"id"`
	// Inbox is the follower's personal inbox.
	Inbox string `json:"inbox"`
	// SharedInbox is its server's shared inbox, "" if it has none.
	SharedInbox string `json:"shared_inbox,omitempty"`
	// FollowID is the id of the Follow activity we accepted.
	FollowID string `json:"follow_id"`
	// Since is when the follow was first accepted.
	Since time.Time `json:"since"`
}

// DeliveryInbox is where posts for this follower go: the shared inbox when
// the follower has one, else its own inbox.
func (f Follower) DeliveryInbox() string {
	if f.SharedInbox != "" {
		return f.SharedInbox
	}
	return f.Inbox
}

// AddFollower records f as a follower of handle and queues accept (the
// Accept activity) for delivery to f.Inbox, in one transaction. A repeated
// Follow keeps the original Since and queues a fresh Accept, as the remote
// server evidently did not see the first (unless that Accept is still
// queued: one job per activity and inbox). isNew tells whether f was not yet
// a follower. Concurrent calls share a commit (group commit, see batch), so a burst of
// Follows is not one fsync each.
func (s *Store) AddFollower(handle string, f Follower, accept Document, now time.Time) (isNew bool, err error) {
	err = s.batch(func(tx *bolt.Tx) error {
		b, err := actorBucket(tx, bucketFollowers, handle, true)
		if err != nil {
			return err
		}
		var old Follower
		found, err := getJSON(b, []byte(f.ID), &old)
		if err != nil {
			return err
		}
		isNew = !found
		if found {
			f.Since = old.Since
		}
		if err := putJSON(b, []byte(f.ID), f); err != nil {
			return err
		}
		if err := tx.Bucket(bucketDocuments).Put([]byte(accept.ID), accept.JSON); err != nil {
			return err
		}
		_, err = putJob(tx, Job{ActivityID: accept.ID, Inbox: f.Inbox, Handle: handle, NextAttempt: now, Created: now})
		return err
	})
	if err != nil {
		return false, fmt.Errorf("add follower %s to %s: %w", f.ID, handle, err)
	}
	return isNew, nil
}

// RemoveFollower removes followerID from handle's followers. removed is
// false when it was not a follower.
func (s *Store) RemoveFollower(handle, followerID string) (removed bool, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := actorBucket(tx, bucketFollowers, handle, false)
		if err != nil || b == nil || b.Get([]byte(followerID)) == nil {
			return err
		}
		removed = true
		return b.Delete([]byte(followerID))
	})
	if err != nil {
		return false, fmt.Errorf("remove follower %s from %s: %w", followerID, handle, err)
	}
	return removed, nil
}

// RemoveFollowersAt removes every follower of handle whose inbox or shared
// inbox is inbox (used when that inbox answers 410 Gone). It returns the ids
// removed. Concurrent calls are committed together (group commit, see batch): a fan-out
// may meet many gone inboxes at once.
func (s *Store) RemoveFollowersAt(handle, inbox string) (removed []string, err error) {
	err = s.batch(func(tx *bolt.Tx) error {
		removed = nil
		b, err := actorBucket(tx, bucketFollowers, handle, false)
		if err != nil || b == nil {
			return err
		}
		var gone [][]byte
		quoted, err := json.Marshal(inbox)
		if err != nil {
			return err
		}
		err = b.ForEach(func(k, v []byte) error {
			if !bytes.Contains(v, quoted) { // cheap test before decoding
				return nil
			}
			var f Follower
			if err := decodeJSON(k, v, &f); err != nil {
				return err
			}
			if f.Inbox == inbox || f.SharedInbox == inbox {
				gone = append(gone, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range gone {
			if err := b.Delete(k); err != nil {
				return err
			}
			removed = append(removed, string(k))
		}
		return nil
	})
	return removed, err
}

// Followers returns handle's followers, ordered by id.
func (s *Store) Followers(handle string) ([]Follower, error) {
	var out []Follower
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = followersIn(tx, handle)
		return err
	})
	return out, err
}

// FollowerCount returns how many followers handle has.
func (s *Store) FollowerCount(handle string) (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := actorBucket(tx, bucketFollowers, handle, false)
		if err != nil || b == nil {
			return err
		}
		n = b.Stats().KeyN
		return nil
	})
	return n, err
}

func followersIn(tx *bolt.Tx, handle string) ([]Follower, error) {
	b, err := actorBucket(tx, bucketFollowers, handle, false)
	if err != nil || b == nil {
		return nil, err
	}
	var out []Follower
	err = b.ForEach(func(k, v []byte) error {
		var f Follower
		if err := decodeJSON(k, v, &f); err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// deliveryInboxes returns the unique inboxes that reach all of handle's
// followers: one per shared inbox, plus the personal inboxes of followers
// without one. Never both for one follower.
func deliveryInboxes(tx *bolt.Tx, handle string) ([]string, error) {
	followers, err := followersIn(tx, handle)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var inboxes []string
	for _, f := range followers {
		inbox := f.DeliveryInbox()
		if !seen[inbox] {
			seen[inbox] = true
			inboxes = append(inboxes, inbox)
		}
	}
	return inboxes, nil
}
