package store

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ActorKey returns the private key PEM stored for handle, creating it with
// generate on first use. The key is generated outside the transaction (RSA
// generation is slow); if two callers race, the first one stored wins and
// both get it. A key, once stored, is never replaced. An error from generate,
// or an empty key, is returned and nothing is stored.
func (s *Store) ActorKey(handle string, generate func() ([]byte, error)) ([]byte, error) {
	var existing []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketActorKeys).Get([]byte(handle)); v != nil {
			existing = append([]byte(nil), v...)
		}
		return nil
	})
	if err != nil || existing != nil {
		return existing, err
	}
	fresh, err := generate()
	if err != nil {
		return nil, fmt.Errorf("generate key for %s: %w", handle, err)
	}
	if len(fresh) == 0 {
		// bbolt reads an empty value back as no value at all.
		return nil, fmt.Errorf("generate key for %s: empty key", handle)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketActorKeys)
		if v := b.Get([]byte(handle)); v != nil {
			existing = append([]byte(nil), v...)
			return nil
		}
		existing = fresh
		return b.Put([]byte(handle), fresh)
	})
	return existing, err
}

// FeedState is what Herald remembers about polling one actor's feed.
type FeedState struct {
	// URL is the feed URL last fetched.
	URL string `json:"url"`
	// ETag and LastModified are the conditional-GET validators.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Initialised is true once a poll succeeded: later items are delivered.
	Initialised bool `json:"initialised"`
	// LastAttempt and LastSuccess are the times of the last poll and the last good one.
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	// LastError is the reason the last poll failed, "" after a success.
	LastError string `json:"last_error,omitempty"`
	// Failures counts polls failed in a row.
	Failures int `json:"failures,omitempty"`
	// Title, Description, SiteURL and ImageURL come from the last parsed feed
	// and feed the actor's profile.
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	SiteURL     string `json:"site_url,omitempty"`
	ImageURL    string `json:"image_url,omitempty"`
	Language    string `json:"language,omitempty"`
	// LastFullFetch is the last 200 answer: a fetch whose body was read.
	// Once removal_check_interval has passed since, the next fetch is
	// unconditional, because some servers answer 304 for a changed feed.
	LastFullFetch time.Time `json:"last_full_fetch,omitzero"`
	// ConfigURL is the configured URL this state belongs to; URL differs
	// from it once the feed has moved permanently (301/308). A new
	// ConfigURL starts the state afresh.
	ConfigURL string `json:"config_url,omitempty"`
	// Status says in a few words how the feed is doing ("ok", "not
	// modified", "failing: …", "disabled: …").
	Status string `json:"status,omitempty"`
	// Disabled is set when the feed answered 410 Gone: it is not polled
	// again until its configured URL changes.
	Disabled bool `json:"disabled,omitempty"`
	// ItemsSeen counts the feed's items Herald knows (posted, recorded or
	// held for their date).
	ItemsSeen int `json:"items_seen,omitempty"`
	// NewestItem is the date of the newest item of the last full fetch;
	// the poll interval grows while the feed stays quiet.
	NewestItem time.Time `json:"newest_item,omitzero"`
	// DiscoveredFeed is the feed found on the configured page when that
	// is a website rather than a feed ("" if the URL is a feed).
	DiscoveredFeed string `json:"discovered_feed,omitempty"`
	// API is the WordPress REST API root the site advertises, "" if none.
	API string `json:"api,omitempty"`
	// APIStatus tells how the last call to the REST API went; APIFailed is
	// when it last failed (Herald waits an hour before asking again).
	APIStatus string    `json:"api_status,omitempty"`
	APIFailed time.Time `json:"api_failed,omitzero"`
	// Hub is the WebSub hub the feed advertises, "" if none.
	Hub string `json:"hub,omitempty"`
	// NewSourceSince is set when the configured URL of a feed that was
	// already polled changed: the last good poll of the old URL. Items of
	// the new source that Herald has not seen and that are dated before it
	// (or not dated) are recorded without being delivered, as on a first
	// poll; later ones are delivered. Zero once the new URL's first full
	// fetch is done.
	NewSourceSince time.Time `json:"new_source_since,omitzero"`
}

// FeedState returns the state of handle's feed (zero when never polled).
func (s *Store) FeedState(handle string) (FeedState, error) {
	var st FeedState
	err := s.db.View(func(tx *bolt.Tx) error {
		_, err := getJSON(tx.Bucket(bucketFeeds), []byte(handle), &st)
		return err
	})
	return st, err
}

// SaveFeedState replaces the state of handle's feed.
func (s *Store) SaveFeedState(handle string, st FeedState) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketFeeds), []byte(handle), st)
	})
}

// ResealActorKey replaces handle's stored key with sealed (the same key,
// encrypted) if the stored value is still old. It returns false when the
// stored value changed meanwhile.
func (s *Store) ResealActorKey(handle string, old, sealed []byte) (bool, error) {
	replaced := false
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketActorKeys)
		if !bytes.Equal(b.Get([]byte(handle)), old) {
			return nil
		}
		replaced = true
		return b.Put([]byte(handle), sealed)
	})
	return replaced, err
}

// RotateActorKey stores fresh as handle's key and previous (the current
// key, as it should be kept) under previousName, in one transaction. It
// fails when handle has no key yet.
func (s *Store) RotateActorKey(handle string, fresh []byte, previousName string, previous []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketActorKeys)
		if b.Get([]byte(handle)) == nil {
			return fmt.Errorf("rotate key of %s: %w", handle, ErrNotFound)
		}
		if err := b.Put([]byte(previousName), previous); err != nil {
			return err
		}
		return b.Put([]byte(handle), fresh)
	})
}
