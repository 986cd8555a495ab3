package admin

import (
	"time"

	"herald/accounts"
	"herald/actor"
	"herald/config"
	"herald/store"
)

// ActorStatus is what the admin API reports about one actor and its feed.
type ActorStatus struct {
	Handle      string      `json:"handle"`
	ID          string      `json:"id"`
	FeedURL     string      `json:"feed_url"`
	Followers   int         `json:"followers"`
	Posts       int         `json:"posts"`
	LastAttempt time.Time   `json:"last_attempt,omitzero"`
	LastSuccess time.Time   `json:"last_success,omitzero"`
	LastError   string      `json:"last_error,omitempty"`
	Failures    int         `json:"failures,omitempty"`
	LastPing    *store.Ping `json:"last_ping,omitempty"`
	// Paused is when the feed was paused through the admin API (absent when
	// it is not paused).
	Paused *time.Time `json:"paused,omitempty"`
	// Ownership is the site ownership check (only with ownership.required).
	Ownership *accounts.OwnershipStatus `json:"ownership,omitempty"`
	// Interactions counts the likes, boosts and replies held on all the
	// account's posts (an Undo or Delete takes one away).
	Interactions Interactions `json:"interactions"`
}

// Interactions are the totals of an account's likes, boosts and replies.
type Interactions struct {
	Likes   int `json:"likes"`
	Boosts  int `json:"boosts"`
	Replies int `json:"replies"`
}

// StatusStore is what ReadActorStatus needs of the store.
type StatusStore interface {
	FeedState(handle string) (store.FeedState, error)
	FollowerCount(handle string) (int, error)
	Outbox(handle string, before time.Time, limit int) (entries []store.OutboxEntry, total int, err error)
	LastPing(handle string) (p store.Ping, found bool, err error)
	Paused(handle string) (since time.Time, ok bool, err error)
	InteractionCounts(prefix string) (map[string]int, error)
	accounts.OwnershipStore
}

// ReadActorStatus assembles handle's status from the store. The admin API
// and the command line (on a stopped server's data directory) both use it.
func ReadActorStatus(st StatusStore, cfg *config.Config, f config.Feed) (ActorStatus, error) {
	handle, feedURL, urls := f.Handle, f.URL, actor.URLs{Base: cfg.BaseURL}
	fs, err := st.FeedState(handle)
	if err != nil {
		return ActorStatus{}, err
	}
	followers, err := st.FollowerCount(handle)
	if err != nil {
		return ActorStatus{}, err
	}
	_, posts, err := st.Outbox(handle, time.Time{}, 0)
	if err != nil {
		return ActorStatus{}, err
	}
	s := ActorStatus{Handle: handle, ID: urls.Actor(handle), FeedURL: feedURL, Followers: followers, Posts: posts,
		LastAttempt: fs.LastAttempt, LastSuccess: fs.LastSuccess, LastError: fs.LastError, Failures: fs.Failures}
	if p, found, err := st.LastPing(handle); err != nil {
		return ActorStatus{}, err
	} else if found {
		s.LastPing = &p
	}
	if since, paused, err := st.Paused(handle); err != nil {
		return ActorStatus{}, err
	} else if paused {
		s.Paused = &since
	}
	if s.Ownership, err = accounts.ReadOwnershipStatus(st, cfg, f); err != nil {
		return ActorStatus{}, err
	}
	// Post ids are ACTOR/posts/...: one prefix covers all the account's.
	counts, err := st.InteractionCounts(urls.Actor(handle) + "/posts/")
	if err != nil {
		return ActorStatus{}, err
	}
	s.Interactions = Interactions{Likes: counts[store.KindLike], Boosts: counts[store.KindShare], Replies: counts[store.KindReply]}
	return s, nil
}
