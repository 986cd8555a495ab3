package fedtest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// RelaySoftware is the relay software a Relay plays.
type RelaySoftware int

// The relay software modelled. Each one's quirks are listed, with the
// source file and function, in the comments of relay_activityrelay.go and
// relay_litepub.go and in docs/interop-sources.md ("Relays").
const (
	// ActivityRelay is yukimochi/Activity-Relay, newest upstream (api/
	// handle.go handleInbox, api/resolver.go, api/decode.go, deliver/,
	// models/models.go): the Mastodon protocol (a Follow of as:Public sent
	// to /inbox, public Creates, Updates, Deletes and Moves forwarded
	// unchanged) and the LitePub one (a Follow of /actor by an Application
	// or a /relay actor, answered with a Follow back; relayed activities
	// re-announced).
	ActivityRelay RelaySoftware = iota + 1
	// LitePubRelay is the Pleroma relay, "ActivityRelay" in Python
	// (git.pleroma.social/pleroma/relay, read in its GitHub mirror
	// mastodon-ml/relay: relay/processors.py, relay/views/activitypub.py,
	// relay/misc.py, relay/http_client.py, relay/database/connection.py):
	// any Follow from an Application actor, Creates and Announces
	// re-announced, Updates and Deletes forwarded.
	LitePubRelay
)

// String names the software.
func (s RelaySoftware) String() string {
	switch s {
	case ActivityRelay:
		return "activity-relay"
	case LitePubRelay:
		return "litepub-relay"
	}
	return fmt.Sprintf("RelaySoftware(%d)", int(s))
}

// RelayOptions configure a Relay.
type RelayOptions struct {
	// Software is the relay software played.
	Software RelaySoftware
	// ManuallyAccept keeps every Follow pending until Approve (or Reject):
	// Activity-Relay's manually-accept config, the LitePub relay's
	// approval-required.
	ManuallyAccept bool
	// BlockedDomains are subscriber hosts (host:port) the relay refuses:
	// Activity-Relay answers their Follows with a Reject (executeFollowing,
	// "HOST is blocked"); the LitePub relay answers every request of theirs
	// 403 (views/activitypub.py, get_domain_ban).
	BlockedDomains []string
}

// RelaySubscription is one server subscribed to a Relay, or asking to.
type RelaySubscription struct {
	// Host is the subscriber's host:port, by which both relays key it.
	Host string
	// Actor is the actor that followed; FollowID is its Follow's id.
	Actor, FollowID string
	// Inbox is where the relay delivers to it.
	Inbox string
	// Protocol is "mastodon" for a Follow of as:Public (Activity-Relay's
	// subscribers), "litepub" for a Follow of the relay actor
	// (Activity-Relay's followers). The LitePub relay keeps one kind.
	Protocol string
	// Accepted is false while the Follow waits for Approve.
	Accepted bool
	// FollowedBack is true once the relay sent its own Follow of Actor.
	FollowedBack bool
	// MutualFollow is true once Actor accepted that Follow with an Accept
	// embedding it (Activity-Relay's finalizeMutuallyFollow; nothing
	// depends on it).
	MutualFollow bool
	// Software is the NodeInfo software name the LitePub relay read.
	Software string
}

// RelaySend is one POST the relay sent.
type RelaySend struct {
	// Inbox is where it went; Activity what it carried.
	Inbox    string
	Activity map[string]any
	// Status is the answer's status, 0 when there was none (Err says why).
	Status int
	Err    string
}

// Relay is a fake relay server of one RelaySoftware, modelled from its
// source: its actor document and WebFinger, an inbox that verifies HTTP
// signatures as that software does (fetching the sender's key with a
// signed GET), keeps subscriptions per host, answers Follows with Accept
// or Reject (and a Follow back where the software sends one), and
// forwards or re-announces what it relays to every other subscriber,
// HTTP-signed by the relay actor. Every POST it gets is recorded as a
// Delivery (Verified, Problem, Status; Hidden says why an answered
// activity was not relayed); every POST it sends as a RelaySend.
//
// Deliveries go out on goroutines the Relay owns, as a real relay queues
// them; Close waits for them. It is safe for concurrent use.
type Relay struct {
	// URL is the relay's origin.
	URL string

	opts   RelayOptions
	srv    *httptest.Server
	key    *rsa.PrivateKey
	pubPEM string
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	subs    []*RelaySubscription
	got     []Delivery
	sent    []RelaySend
	changed chan struct{}
	relayed map[string]bool // the LitePub relay's handle-relay cache of ids relayed
}

// NewRelay starts a relay with a fresh RSA-2048 key. Close it when done.
func NewRelay(opts RelayOptions) (*Relay, error) {
	if opts.Software != ActivityRelay && opts.Software != LitePubRelay {
		return nil, fmt.Errorf("fedtest: unknown relay software %v", opts.Software)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	r := &Relay{opts: opts, key: key, changed: make(chan struct{}), relayed: map[string]bool{},
		pubPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		client: &http.Client{Timeout: 10 * time.Second}}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL
	return r, nil
}

// Close stops the relay: no new deliveries start, those under way are
// cancelled and waited for.
func (r *Relay) Close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.cancel()
	r.srv.Close()
	r.wg.Wait()
}

// Software is the relay software played.
func (r *Relay) Software() RelaySoftware { return r.opts.Software }

// ActorID is the relay actor: BASE/actor for both.
func (r *Relay) ActorID() string { return r.URL + "/actor" }

// Inbox is the relay's inbox, BASE/inbox, what a Mastodon admin types.
func (r *Relay) Inbox() string { return r.URL + "/inbox" }

// SubscribeURL is the URL an admin configures for the relay's own
// protocol: Activity-Relay's inbox (its landing page, api/templates/
// landing.html, lists "Mastodon: BASE/inbox" and "Pleroma: BASE/actor"),
// the LitePub relay's actor (what a Pleroma admin gives "relay follow").
// Inbox and ActorID give the other one.
func (r *Relay) SubscribeURL() string {
	if r.opts.Software == ActivityRelay {
		return r.Inbox()
	}
	return r.ActorID()
}

// keyID is the id of the relay's key in its actor document.
func (r *Relay) keyID() string { return r.ActorID() + "#main-key" }

// Subscriptions returns the subscribers and pending requests, by host.
func (r *Relay) Subscriptions() []RelaySubscription {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]RelaySubscription, 0, len(r.subs))
	for _, s := range r.subs {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b RelaySubscription) int { return strings.Compare(a.Host+a.Protocol, b.Host+b.Protocol) })
	return out
}

// Received returns every POST the relay's inbox got so far.
func (r *Relay) Received() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// Sent returns every POST the relay sent so far.
func (r *Relay) Sent() []RelaySend {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sent)
}

// WaitFor blocks until a POST to the relay matching match has been
// answered (it may have been already) or ctx ends.
func (r *Relay) WaitFor(ctx context.Context, match func(Delivery) bool) (Delivery, error) {
	for {
		r.mu.Lock()
		changed, got := r.changed, slices.Clone(r.got)
		r.mu.Unlock()
		for _, d := range got {
			if match(d) {
				return d, nil
			}
		}
		select {
		case <-ctx.Done():
			return Delivery{}, fmt.Errorf("%s: no matching POST among %d: %w", r.opts.Software, len(got), ctx.Err())
		case <-changed:
		}
	}
}

// note records a received POST or a sent one and wakes waiters.
func (r *Relay) note(d *Delivery, s *RelaySend) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if d != nil {
		r.got = append(r.got, *d)
	}
	if s != nil {
		r.sent = append(r.sent, *s)
	}
	close(r.changed)
	r.changed = make(chan struct{})
}

// spawn runs f on a goroutine the relay owns, unless it is closing.
func (r *Relay) spawn(f func(ctx context.Context)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		f(r.ctx)
	}()
}

// blocked reports whether host is in BlockedDomains.
func (r *Relay) blocked(host string) bool { return slices.Contains(r.opts.BlockedDomains, host) }
