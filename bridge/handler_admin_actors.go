package bridge

import (
	"encoding/json"
	"net/http"
	"time"

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
	Ownership *OwnershipStatus `json:"ownership,omitempty"`
}

// ReadActorStatus assembles handle's status from the store. The admin API
// and the command line (on a stopped server's data directory) both use it.
func ReadActorStatus(st *store.Store, cfg *config.Config, f config.Feed) (ActorStatus, error) {
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
	if s.Ownership, err = ownershipStatus(st, cfg, f); err != nil {
		return ActorStatus{}, err
	}
	return s, nil
}

// handleAdminActors answers GET /admin/api/actors: the actors the token may
// see, with their feed health and counts.
func (b *Bridge) handleAdminActors(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	out := []ActorStatus{}
	for _, f := range b.cfg.Feeds {
		if !tok.Allows(f.Handle) {
			continue
		}
		s, err := ReadActorStatus(b.store, b.cfg, f)
		if err != nil {
			internalError(w, b.log, r, err)
			return
		}
		out = append(out, s)
	}
	writeAdminJSON(w, out)
}

// handleAdminActor answers GET /admin/api/actors/{handle}.
func (b *Bridge) handleAdminActor(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	if handle, ok := b.canSee(w, r, tok); ok {
		b.writeActorStatus(w, r, handle)
	}
}

// writeActorStatus answers with handle's ActorStatus.
func (b *Bridge) writeActorStatus(w http.ResponseWriter, r *http.Request, handle string) {
	s, err := ReadActorStatus(b.store, b.cfg, b.feedConfig(handle))
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeAdminJSON(w, s)
}

// handleAdminFollowers answers GET /admin/api/actors/{handle}/followers.
func (b *Bridge) handleAdminFollowers(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	handle, ok := b.canSee(w, r, tok)
	if !ok {
		return
	}
	followers, err := b.store.Followers(handle)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	if followers == nil {
		followers = []store.Follower{}
	}
	writeAdminJSON(w, followers)
}

func writeAdminJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
