// Package relays keeps Herald subscribed to the relays of the config: on
// start and every few minutes it subscribes the relay actor (actor.URLs
// RelayActor) to each configured relay it has no subscription with, and
// unsubscribes (Undo) from each relay the config no longer names. It takes
// the relays' answers from the inbox (Accept, Reject, a LitePub relay's
// Follow back) and tells the state of each subscription. The posts
// themselves reach accepted relays through the delivery queue (see
// store.PollCommit.Relays). docs/relays.md describes both flavours.
package relays

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"herald/actor"
	"herald/config"
	"herald/store"
)

// Store is what the relays need of the store.
type Store interface {
	Relays() ([]store.Relay, error)
	PutRelay(r store.Relay) error
	SubscribeRelay(r store.Relay, follow store.Document, now time.Time) error
	UpdateRelayByFollow(followID string, change func(*store.Relay)) (store.Relay, error)
	UnsubscribeRelay(url string, undo *store.Document, now time.Time) error
	Document(id string) ([]byte, error)
	AddFollower(handle string, f store.Follower, accept store.Document, now time.Time) (isNew bool, err error)
	Followers(handle string) ([]store.Follower, error)
	DeliveryStats(activityID string) (st store.ActivityStats, found bool, err error)
	Hosts() (map[string]store.HostState, error)
}

// Remote fetches a LitePub relay's actor (remote.Resolver does).
type Remote interface {
	Actor(ctx context.Context, id string) (store.RemoteActor, error)
}

// Deliveries is told when a Follow, Undo or Accept was queued.
type Deliveries interface {
	Notify()
}

// Options are what a Manager needs; all are required but Now (nil means
// time.Now).
type Options struct {
	Config     *config.Config
	Store      Store
	Render     *actor.Renderer
	Remote     Remote
	Deliveries Deliveries
	Log        *slog.Logger
	Now        func() time.Time
}

// SyncInterval is how often Run subscribes again where subscribing failed.
const SyncInterval = 10 * time.Minute

// Manager keeps the relay subscriptions in line with the config. It is
// safe for concurrent use.
type Manager struct {
	o  Options
	mu sync.Mutex // serialises Sync and the relays' answers
	// actors are the relay actors Herald is subscribed to (any state but
	// refused), which the inbox asks about through IsRelay.
	actors sync.Map // actor id → struct{}
}

// New returns a Manager. It reads the stored subscriptions; nothing is sent
// until Sync or Run.
func New(o Options) (*Manager, error) {
	if o.Config == nil || o.Store == nil || o.Render == nil || o.Remote == nil || o.Deliveries == nil || o.Log == nil {
		return nil, errors.New("relays: Config, Store, Render, Remote, Deliveries and Log are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &Manager{o: o}
	stored, err := o.Store.Relays()
	if err != nil {
		return nil, err
	}
	for _, r := range stored {
		m.remember(r)
	}
	return m, nil
}

// Run syncs at once and then every SyncInterval until ctx ends.
func (m *Manager) Run(ctx context.Context) {
	t := time.NewTicker(SyncInterval)
	defer t.Stop()
	for {
		if err := m.Sync(ctx); err != nil && ctx.Err() == nil {
			m.o.Log.Error("relays: sync", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sync subscribes to every configured relay without a live subscription
// (none yet, or one that could not start or whose Follow was given up)
// and unsubscribes from every stored relay the config no longer names. A
// relay that refused stays refused until it is removed from the config and
// added again. One relay failing does not stop the others.
func (m *Manager) Sync(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	byURL, err := m.storedByURL()
	if err != nil {
		return err
	}
	configured := m.o.Config.AllRelays()
	var errs []error
	for _, u := range configured {
		r, found := byURL[u]
		delete(byURL, u)
		if found && !m.needsFollow(r) {
			continue
		}
		if err := m.subscribe(ctx, u, r); err != nil {
			errs = append(errs, err)
		}
	}
	for u, r := range byURL {
		if err := m.unsubscribe(r); err != nil {
			errs = append(errs, fmt.Errorf("unsubscribe from %s: %w", u, err))
		}
	}
	return errors.Join(errs...)
}

// storedByURL returns the stored subscriptions by relay URL.
func (m *Manager) storedByURL() (map[string]store.Relay, error) {
	stored, err := m.o.Store.Relays()
	if err != nil {
		return nil, err
	}
	byURL := make(map[string]store.Relay, len(stored))
	for _, r := range stored {
		byURL[r.URL] = r
	}
	return byURL, nil
}

// needsFollow reports whether r needs a (new) Follow: it has none, or its
// Follow was given up by the delivery workers.
func (m *Manager) needsFollow(r store.Relay) bool {
	if r.State == store.RelayRefused || r.State == store.RelayAccepted {
		return false
	}
	if r.FollowID == "" {
		return true
	}
	st, found, err := m.o.Store.DeliveryStats(r.FollowID)
	return err == nil && found && st.Failed > 0 && st.Pending() == 0
}

// knownRefresh is how often RefreshKnown reads the stored subscriptions.
const knownRefresh = time.Minute

// RefreshKnown reads the stored subscriptions every minute until ctx ends
// and notes their relay actors for IsRelay (forgetting refused ones). With
// replicas only one runs Run (app holds it to a task lease) and any may
// take a relay's answer: every replica runs RefreshKnown, so that each
// inbox learns every subscribed relay's actor.
func (m *Manager) RefreshKnown(ctx context.Context) {
	t := time.NewTicker(knownRefresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := m.reloadKnown(); err != nil {
			m.o.Log.Warn("relays: read the subscriptions", "error", err)
		}
	}
}

// reloadKnown notes the relay actors of the stored subscriptions for
// IsRelay, forgetting refused ones.
func (m *Manager) reloadKnown() error {
	stored, err := m.o.Store.Relays()
	if err != nil {
		return err
	}
	for _, r := range stored {
		m.remember(r)
	}
	return nil
}

// remember notes r's actor for IsRelay (or forgets it when refused).
func (m *Manager) remember(r store.Relay) {
	if r.ActorID == "" {
		return
	}
	if r.State == store.RelayRefused {
		m.actors.Delete(r.ActorID)
		return
	}
	m.actors.Store(r.ActorID, struct{}{})
}

// IsRelay reports whether actorID is the actor of a relay Herald is
// subscribed to: what it sends on behalf of others is relayed content.
func (m *Manager) IsRelay(actorID string) bool {
	_, ok := m.actors.Load(actorID)
	return ok
}
