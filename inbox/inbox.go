// Package inbox takes the activities that remote servers POST to Herald's
// inboxes: it admits requests within rate and size limits, verifies their
// HTTP signatures (draft-cavage and RFC 9421) against keys fetched from
// their owners, refuses replays and blocked senders, and applies what they
// mean: follows (answered with a queued Accept), undos, likes, boosts,
// replies, mentions and direct messages to the accounts (posts.go), moves,
// reports, blocks and account deletions. It uses signature
// to verify, remote to fetch senders, actor to read and render documents,
// and declares what it needs of the store (Store), the accounts (Accounts)
// and the delivery workers (Deliveries).
package inbox

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"herald/actor"
	"herald/config"
	"herald/metrics"
	"herald/signature"
	"herald/store"
)

// MaxBody is the largest inbox body accepted; larger gets 413.
const MaxBody = 1 << 20

// Store is what the inbox needs of the store.
type Store interface {
	AddFollower(handle string, f store.Follower, accept store.Document, now time.Time) (isNew bool, err error)
	RemoveFollower(handle, followerID string) (removed bool, err error)
	Followers(handle string) ([]store.Follower, error)
	MoveFollower(handle, oldID string, to store.Follower) (moved bool, err error)
	Outbox(handle string, before time.Time, limit int) (entries []store.OutboxEntry, total int, err error)
	QueueJob(handle, activityID, inbox string, at time.Time) (added bool, err error)
	Document(id string) ([]byte, error)
	AddInteraction(i store.Interaction) (isNew bool, err error)
	Interaction(id string) (i store.Interaction, found bool, err error)
	RemoveInteraction(id, actor string) (removed store.Interaction, ok bool, err error)
	AddFlag(f store.Flag) (isNew bool, err error)
	EraseRemote(id string) (store.RemoteRecord, error)
	SeeSignature(digest []byte, now, until time.Time) (seen bool, err error)
	PruneSignatures(now time.Time, limit int) (int, error)
}

// Accounts tells which accounts Herald serves (accounts.Registry does).
type Accounts interface {
	Known(handle string) bool
	Handles() []string
	LocalHandle(actorID string) (string, bool)
	OwnsPost(id string) bool
	Published(handle string) bool
	Feed(handle string) config.Feed
}

// Remote fetches remote actors and their keys (remote.Resolver does).
type Remote interface {
	KeyResolver(refresh bool) signature.KeyResolver
	Actor(ctx context.Context, id string) (store.RemoteActor, error)
	Refresh(ctx context.Context, id string) (store.RemoteActor, []byte, error)
	Fetch(ctx context.Context, iri string) (actor.Remote, error)
}

// Deliveries is told when an Accept was queued (delivery.Deliverer is).
type Deliveries interface {
	Notify()
}

// Relays takes what relays send the relay actor (relays.Manager does).
type Relays interface {
	IsRelay(actorID string) bool
	Answered(accepted bool, followID, relayActor string) (status int, msg string)
	FollowedBack(ctx context.Context, followID, follower string) (status int, msg string)
}

// Options are what an Inbox needs; all are required but Now (nil means
// time.Now).
type Options struct {
	Config     *config.Config
	Store      Store
	Accounts   Accounts
	Render     *actor.Renderer
	Remote     Remote
	Deliveries Deliveries
	Relays     Relays
	// Client fetches the subscribed blocklist.
	Client  *http.Client
	Metrics *metrics.Metrics
	Log     *slog.Logger
	Now     func() time.Time
}

// Inbox answers POST /users/{handle}/inbox and POST /inbox, and checks the
// signatures of signed GETs for authorized fetch. It is safe for
// concurrent use.
type Inbox struct {
	o     Options
	guard *guard
}

// New returns an Inbox. It removes at once every follower the config's
// block lists name, so a block added to the config takes effect even for
// followers that never post again.
func New(o Options) (*Inbox, error) {
	if o.Config == nil || o.Store == nil || o.Accounts == nil || o.Render == nil || o.Remote == nil ||
		o.Deliveries == nil || o.Relays == nil || o.Client == nil || o.Metrics == nil || o.Log == nil {
		return nil, errors.New("inbox: Config, Store, Accounts, Render, Remote, Deliveries, Relays, Client, Metrics and Log are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	in := &Inbox{o: o, guard: newGuard(o.Config.Inbox)}
	if err := in.dropBlockedFollowers(); err != nil {
		return nil, err
	}
	return in, nil
}

// Blocked reports whether id (an actor or key id) is blocked: listed
// itself, or on a blocked domain or one of its subdomains (in the config or
// the subscribed blocklist).
func (in *Inbox) Blocked(id string) bool { return in.guard.blocked(id) }

// knownHandle returns the lowercased {handle} of the request path and
// whether Herald serves it.
func (in *Inbox) knownHandle(r *http.Request) (string, bool) {
	handle := strings.ToLower(r.PathValue("handle"))
	return handle, in.o.Accounts.Known(handle)
}
