package store

// Relay subscriptions. The relays bucket holds one record per relay that
// the config names (by the URL as configured); the relay actor's Follow and
// Undo travel through the delivery queue like any activity, signed as
// RelayHandle. A relay that follows the relay actor back (LitePub) is a
// follower of RelayHandle in the followers bucket.

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

var bucketRelays = []byte("relays") // relay URL → Relay JSON

// RelayHandle is the handle under which the relay client actor's jobs and
// followers are stored. It cannot clash with an account: handles have no "@".
const RelayHandle = "@relay"

// States of a relay subscription.
const (
	// RelayPending: the Follow is sent (or queued); no answer yet.
	RelayPending = "pending"
	// RelayAccepted: the relay accepted; public posts go to it.
	RelayAccepted = "accepted"
	// RelayRefused: the relay answered Reject.
	RelayRefused = "refused"
	// RelayFailing: Herald could not subscribe (the relay's actor could
	// not be fetched, or the Follow could not be delivered).
	RelayFailing = "failing"
)

// Relay is Herald's subscription to one relay.
type Relay struct {
	// URL is the relay as configured: its inbox (Mastodon-style) or its
	// actor (LitePub).
	URL string `json:"url"`
	// Flavour is config.RelayMastodon or config.RelayLitePub.
	Flavour string `json:"flavour"`
	// Inbox is where the Follow and the posts go ("" until known).
	Inbox string `json:"inbox,omitempty"`
	// ActorID is the relay's actor: for LitePub the configured URL, for a
	// Mastodon-style relay the actor of its Accept.
	ActorID string `json:"actor_id,omitempty"`
	// FollowID is the id of the relay actor's Follow ("" before one is sent).
	FollowID string `json:"follow_id,omitempty"`
	// State is one of the Relay* states; Since is when it began.
	State string    `json:"state"`
	Since time.Time `json:"since"`
	// Subscribed is when the subscription was first made.
	Subscribed time.Time `json:"subscribed"`
	// LastError says why the state is failing or refused.
	LastError string `json:"last_error,omitempty"`
}

// Relays returns every relay subscription, in URL order.
func (s *Store) Relays() ([]Relay, error) {
	var out []Relay
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRelays).ForEach(func(k, v []byte) error {
			var r Relay
			if err := decodeJSON(k, v, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// PutRelay stores r, replacing the record of r.URL, without sending
// anything (a state change, or a subscription that could not start).
func (s *Store) PutRelay(r Relay) error {
	if r.URL == "" {
		return errors.New("put relay: URL is required")
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketRelays), []byte(r.URL), r)
	})
	if err != nil {
		return fmt.Errorf("put relay %s: %w", r.URL, err)
	}
	return nil
}

// SubscribeRelay stores r (pending, with r.Inbox and r.FollowID set) and
// queues follow, the relay actor's Follow, to r.Inbox, in one transaction.
func (s *Store) SubscribeRelay(r Relay, follow Document, now time.Time) error {
	if r.URL == "" || r.Inbox == "" || follow.ID == "" {
		return errors.New("subscribe relay: URL, Inbox and the Follow are required")
	}
	r.FollowID = follow.ID
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bucketRelays), []byte(r.URL), r); err != nil {
			return err
		}
		if err := tx.Bucket(bucketDocuments).Put([]byte(follow.ID), follow.JSON); err != nil {
			return err
		}
		_, err := putJob(tx, Job{ActivityID: follow.ID, Inbox: r.Inbox, Handle: RelayHandle, NextAttempt: now, Created: now})
		return err
	})
	if err != nil {
		return fmt.Errorf("subscribe to relay %s: %w", r.URL, err)
	}
	return nil
}

// UpdateRelayByFollow applies change to the relay whose Follow is
// followID, in one transaction; ErrNotFound when there is none.
func (s *Store) UpdateRelayByFollow(followID string, change func(*Relay)) (Relay, error) {
	var out Relay
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRelays)
		return b.ForEach(func(k, v []byte) error {
			var r Relay
			if err := decodeJSON(k, v, &r); err != nil {
				return err
			}
			if r.FollowID != followID || followID == "" {
				return nil
			}
			change(&r)
			out = r
			return putJSON(b, k, r)
		})
	})
	if err == nil && out.URL == "" {
		err = ErrNotFound
	}
	if err != nil {
		return Relay{}, fmt.Errorf("relay of follow %s: %w", followID, err)
	}
	return out, nil
}

// UnsubscribeRelay removes the relay url and, when undo is set, queues it
// (the Undo of its Follow) to the relay's inbox, in one transaction. A
// relay that follows the relay actor back stops being its follower.
func (s *Store) UnsubscribeRelay(url string, undo *Document, now time.Time) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRelays)
		var r Relay
		found, err := getJSON(b, []byte(url), &r)
		if err != nil || !found {
			return err
		}
		if err := b.Delete([]byte(url)); err != nil {
			return err
		}
		if r.ActorID != "" {
			if followers, err := actorBucket(tx, bucketFollowers, RelayHandle, false); err != nil {
				return err
			} else if followers != nil {
				if err := followers.Delete([]byte(r.ActorID)); err != nil {
					return err
				}
			}
		}
		if undo == nil || r.Inbox == "" {
			return nil
		}
		if err := tx.Bucket(bucketDocuments).Put([]byte(undo.ID), undo.JSON); err != nil {
			return err
		}
		_, err = putJob(tx, Job{ActivityID: undo.ID, Inbox: r.Inbox, Handle: RelayHandle, NextAttempt: now, Created: now})
		return err
	})
	if err != nil {
		return fmt.Errorf("unsubscribe from relay %s: %w", url, err)
	}
	return nil
}

// RelayInboxes are the inboxes of a feed's accepted relays, each once, in
// the order the feed names its relays: Direct take a post's activities as
// they are (Mastodon-style relays); LitePub take the relay actor's
// Announce of a new post instead of its Create.
type RelayInboxes struct {
	Direct, LitePub []string
}

// AcceptedRelayInboxes returns the inboxes of the relays urls names whose
// subscription is accepted; relay finds a stored subscription by URL.
// Both stores route a poll's activities with it.
func AcceptedRelayInboxes(urls []string, relay func(url string) (r Relay, found bool, err error)) (RelayInboxes, error) {
	var out RelayInboxes
	seen := map[string]bool{}
	for _, u := range urls {
		r, found, err := relay(u)
		if err != nil {
			return RelayInboxes{}, err
		}
		if !found || r.State != RelayAccepted || r.Inbox == "" || seen[r.Inbox] {
			continue
		}
		seen[r.Inbox] = true
		if r.Flavour == relayLitePub {
			out.LitePub = append(out.LitePub, r.Inbox)
		} else {
			out.Direct = append(out.Direct, r.Inbox)
		}
	}
	return out, nil
}

// RelayRoutes splits where an activity of the post st goes: its own
// inboxes and relays' (toActivity), and the LitePub relays that get the
// relay actor's Announce of it instead (announced: only when st has a
// RelayAnnounce, that is for its Create; its Delete goes to every relay
// as it is). Both stores queue a post written in an app with it.
func (st LocalStatus) RelayRoutes(inboxes []string, relays RelayInboxes) (toActivity, announced []string) {
	toActivity = append(inboxes, relays.Direct...)
	if st.RelayAnnounce != nil {
		return toActivity, relays.LitePub
	}
	return append(toActivity, relays.LitePub...), nil
}

// relayInboxes reads the accepted relays among urls in tx.
func relayInboxes(tx *bolt.Tx, urls []string) (RelayInboxes, error) {
	b := tx.Bucket(bucketRelays)
	return AcceptedRelayInboxes(urls, func(u string) (r Relay, found bool, err error) {
		found, err = getJSON(b, []byte(u), &r)
		return r, found, err
	})
}
