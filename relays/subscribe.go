package relays

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	vocab "github.com/go-ap/activitypub"

	"herald/actor"
	"herald/config"
	"herald/store"
)

// subscribe sends the relay actor's Follow to the relay u (prev is its
// stored record, if any). A LitePub relay's actor is fetched first; when
// that fails the relay is stored as failing and tried again at the next
// Sync.
func (m *Manager) subscribe(ctx context.Context, u string, prev store.Relay) error {
	now := m.o.Now().UTC()
	r := store.Relay{URL: u, Flavour: config.RelayFlavour(u), State: store.RelayPending, Since: now, Subscribed: prev.Subscribed}
	if r.Subscribed.IsZero() {
		r.Subscribed = now
	}
	object := string(vocab.PublicNS)
	if r.Flavour == config.RelayMastodon {
		r.Inbox = u
	} else {
		relayActor, err := m.o.Remote.Actor(ctx, u)
		if err != nil {
			r.State, r.LastError = store.RelayFailing, "fetch the relay's actor: "+err.Error()
			if putErr := m.o.Store.PutRelay(r); putErr != nil {
				return putErr
			}
			return fmt.Errorf("relay %s: %s", u, r.LastError)
		}
		r.ActorID, object = relayActor.ID, relayActor.ID
		r.Inbox = relayActor.SharedInbox
		if r.Inbox == "" {
			r.Inbox = relayActor.Inbox
		}
	}
	followID := m.o.Render.RelayFollowID(u, now)
	follow, err := m.o.Render.RelayFollow(followID, object)
	if err != nil {
		return err
	}
	if err := m.o.Store.SubscribeRelay(r, store.Document{ID: followID, JSON: follow}, now); err != nil {
		return err
	}
	m.remember(r)
	m.o.Deliveries.Notify()
	m.o.Log.Info("relays: subscribing", "relay", u, "flavour", r.Flavour, "inbox", r.Inbox)
	return nil
}

// unsubscribe removes the relay r and sends it the Undo of its Follow,
// unless it never got one or refused it.
func (m *Manager) unsubscribe(r store.Relay) error {
	var undo *store.Document
	if r.FollowID != "" && r.State != store.RelayRefused {
		follow, err := m.o.Store.Document(r.FollowID)
		if err != nil {
			return err
		}
		doc, err := m.o.Render.RelayUndo(r.FollowID, follow, m.o.Now())
		if err != nil {
			return err
		}
		undo = &store.Document{ID: r.FollowID + "/undo", JSON: doc}
	}
	if err := m.o.Store.UnsubscribeRelay(r.URL, undo, m.o.Now()); err != nil {
		return err
	}
	if r.ActorID != "" {
		m.actors.Delete(r.ActorID)
	}
	if undo != nil {
		m.o.Deliveries.Notify()
	}
	m.o.Log.Info("relays: unsubscribed", "relay", r.URL)
	return nil
}

// Answered takes a relay's Accept (accepted true) or Reject of the Follow
// followID, sent by relayActor, and returns the status to answer: 202 also
// when followID is not a relay subscription's Follow (nothing to do), 403
// when relayActor cannot speak for the relay (another host than its inbox,
// or another actor than the LitePub relay's), which changes nothing.
func (m *Manager) Answered(accepted bool, followID, relayActor string) (status int, msg string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var refusal error
	r, err := m.o.Store.UpdateRelayByFollow(followID, func(r *store.Relay) {
		if refusal = speaksFor(*r, relayActor); refusal != nil {
			return
		}
		r.ActorID = relayActor
		r.State, r.LastError = store.RelayAccepted, ""
		if !accepted {
			r.State, r.LastError = store.RelayRefused, "the relay rejected the subscription"
		}
		r.Since = m.o.Now().UTC()
	})
	switch {
	case isNotFound(err):
		return http.StatusAccepted, ""
	case err != nil:
		m.o.Log.Error("relays: store answer", "follow_id", followID, "error", err)
		return http.StatusInternalServerError, "internal error"
	case refusal != nil:
		m.o.Log.Warn("relays: answer refused", "follow_id", followID, "error", refusal)
		return http.StatusForbidden, "not the relay's answer to give"
	}
	m.remember(r)
	m.o.Log.Info("relays: answered", "relay", r.URL, "state", r.State)
	return http.StatusAccepted, ""
}

// speaksFor checks that relayActor may answer for the relay r: the LitePub
// relay's own actor, or an actor on the host of a Mastodon-style relay's
// inbox.
func speaksFor(r store.Relay, relayActor string) error {
	if r.Flavour == config.RelayLitePub {
		if relayActor != r.ActorID {
			return fmt.Errorf("%s cannot answer for the relay %s", relayActor, r.ActorID)
		}
		return nil
	}
	if !actor.SameHost(relayActor, r.Inbox) {
		return fmt.Errorf("%s is not on the host of the relay %s", relayActor, r.Inbox)
	}
	return nil
}

// FollowedBack takes a Follow of the relay actor: a LitePub relay that
// Herald subscribed to follows back, and gets an Accept (queued before the
// answer). Follows from anyone else are refused (403): the relay actor is
// not an account.
func (m *Manager) FollowedBack(ctx context.Context, followID, follower string) (status int, msg string) {
	if !m.IsRelay(follower) {
		return http.StatusForbidden, "only the relays this server subscribes to may follow its relay actor"
	}
	remoteActor, err := m.o.Remote.Actor(ctx, follower)
	if err != nil {
		return http.StatusBadGateway, "could not fetch the relay's actor"
	}
	acceptID, accept, err := m.o.Render.RelayAccept(followID, follower)
	if err != nil {
		return http.StatusInternalServerError, "internal error"
	}
	f := store.Follower{ID: remoteActor.ID, Inbox: remoteActor.Inbox, SharedInbox: remoteActor.SharedInbox, FollowID: followID, Since: m.o.Now().UTC()}
	if _, err := m.o.Store.AddFollower(store.RelayHandle, f, store.Document{ID: acceptID, JSON: accept}, m.o.Now()); err != nil {
		m.o.Log.Error("relays: accept follow back", "relay", follower, "error", err)
		return http.StatusInternalServerError, "internal error"
	}
	m.o.Deliveries.Notify()
	m.o.Log.Info("relays: followed back", "relay", follower)
	return http.StatusAccepted, ""
}

// ErrNotConfigured is returned by Resubscribe for a relay that no feed uses.
var ErrNotConfigured = errors.New("no feed uses this relay")

// Resubscribe sends a new Follow to the configured relay u whatever its
// state (a relay that refused may have changed its mind), or, when u is
// "", to every configured relay that is not accepted. ctx bounds the
// fetches of LitePub relays' actors.
func (m *Manager) Resubscribe(ctx context.Context, u string) error {
	configured := m.o.Config.AllRelays()
	if u != "" && !slices.Contains(configured, u) {
		return fmt.Errorf("relay %q: %w", u, ErrNotConfigured)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	byURL, err := m.storedByURL()
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range configured {
		if u == c || u == "" && byURL[c].State != store.RelayAccepted {
			errs = append(errs, m.subscribe(ctx, c, byURL[c]))
		}
	}
	return errors.Join(errs...)
}
