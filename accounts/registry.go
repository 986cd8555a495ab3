// Package accounts knows Herald's local accounts, one per feed: their keys
// (made once, sealed at rest, rotated without re-follows), their profiles
// (from the config and the feed), whether each is published (site
// ownership), and the account-level activities: profile Updates, Moves and
// key rotations. It uses actor to render, config for the settings, keyseal
// and ownership, and declares what it needs of the store in Store.
package accounts

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"herald/actor"
	"herald/config"
	"herald/store"
)

// Store is what the accounts need of the store.
type Store interface {
	keyStore
	FeedState(handle string) (store.FeedState, error)
	SeenItems(handle string) (map[string]store.SeenItem, error)
	Document(id string) ([]byte, error)
	PutDocument(doc store.Document) error
	QueueActivity(handle string, activity store.Document, now time.Time) (queued int, err error)
	QueueActivitySignedWith(handle, signWith string, activity store.Document, now time.Time) (queued int, err error)
	PostponeJobs(handle string, until time.Time) (moved int, err error)
	OwnershipStore
	RecordFollowerCounts(handles []string, at time.Time) error
}

// keyStore is what the keyring needs of the store.
type keyStore interface {
	ActorKey(handle string, generate func() ([]byte, error)) ([]byte, error)
	ResealActorKey(handle string, old, sealed []byte) (bool, error)
	RotateActorKey(handle string, fresh []byte, previousName string, previous []byte) error
}

// Options are what a Registry needs; all are required but Now (nil means
// time.Now).
type Options struct {
	Config *config.Config
	Store  Store
	Render *actor.Renderer
	Log    *slog.Logger
	Now    func() time.Time
}

// Registry holds every local account of the config. It is safe for
// concurrent use; what it reads from the config never changes while it
// runs (a reload builds a new one).
type Registry struct {
	cfg    *config.Config
	store  Store
	render *actor.Renderer
	log    *slog.Logger
	now    func() time.Time
	keys   *keyring
	styles map[string]actor.Style // how each handle's posts look
	owners ownershipGate
}

// New loads (or, on first start, makes) every account's key, the post
// styles and the ownership state.
func New(o Options) (*Registry, error) {
	if o.Config == nil || o.Store == nil || o.Render == nil || o.Log == nil {
		return nil, errors.New("accounts: Config, Store, Render and Log are required")
	}
	r := &Registry{cfg: o.Config, store: o.Store, render: o.Render, log: o.Log, now: o.Now}
	if r.now == nil {
		r.now = time.Now
	}
	var err error
	if r.styles, err = postStyles(r.cfg.Feeds); err != nil {
		return nil, err
	}
	sealer, err := newSealer(r.cfg.KeyEncryptionKey)
	if err != nil {
		return nil, err
	}
	if r.keys, err = loadKeyring(r.store, r.render.URLs, r.cfg.Feeds, sealer); err != nil {
		return nil, err
	}
	if err := r.loadOwnership(); err != nil {
		return nil, err
	}
	return r, nil
}

// Known reports whether handle is one of the accounts served.
func (r *Registry) Known(handle string) bool {
	_, ok := r.keys.actors[handle]
	return ok
}

// Handles returns the handles of every account, in the config's order.
func (r *Registry) Handles() []string {
	handles := make([]string, len(r.cfg.Feeds))
	for i, f := range r.cfg.Feeds {
		handles[i] = f.Handle
	}
	return handles
}

// LocalHandle returns the handle of a local actor id.
func (r *Registry) LocalHandle(actorID string) (string, bool) {
	for handle := range r.keys.actors {
		if r.render.Actor(handle) == actorID {
			return handle, true
		}
	}
	return "", false
}

// OwnsPost reports whether id is one of Herald's posts: a post id of a
// served account that the store holds.
func (r *Registry) OwnsPost(id string) bool {
	rest, ok := strings.CutPrefix(id, r.cfg.BaseURL+"/users/")
	if !ok {
		return false
	}
	handle, post, ok := strings.Cut(rest, "/posts/")
	if !ok || !r.Known(handle) || post == "" || strings.Contains(post, "/") {
		return false
	}
	_, err := r.store.Document(id)
	return err == nil
}

// Feed returns handle's feed settings.
func (r *Registry) Feed(handle string) config.Feed {
	for _, f := range r.cfg.Feeds {
		if f.Handle == handle {
			return f
		}
	}
	return config.Feed{Handle: handle}
}

// Style returns how handle's posts look.
func (r *Registry) Style(handle string) actor.Style { return r.styles[handle] }

// InstanceKey returns the key id and private key of the instance actor,
// which signs Herald's own GETs, and its public key in PEM.
func (r *Registry) InstanceKey() (keyID string, key *rsa.PrivateKey, publicPEM string) {
	k := r.keys.instance
	return k.id, k.private, k.pem
}

// SigningKey returns the key that signs handle's deliveries: the id peers
// know it by and the private key stored under keyName (handle itself, or
// the previous key of handle while a rotation's Update goes out). The
// relay actor (store.RelayHandle) signs with the instance key.
func (r *Registry) SigningKey(handle, keyName string) (keyID string, key *rsa.PrivateKey, err error) {
	if handle == store.RelayHandle {
		return r.render.RelayKeyID(), r.keys.instance.private, nil
	}
	k, ok := r.keys.actors[handle]
	if !ok {
		return "", nil, fmt.Errorf("no key for actor %q", handle)
	}
	if key, err = r.keys.private(keyName); err != nil {
		return "", nil, err
	}
	return k.id, key, nil
}
