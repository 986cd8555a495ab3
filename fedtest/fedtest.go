// Package fedtest runs fake fediverse servers for Herald's tests and
// benchmarks, served by httptest on loopback:
//
//   - Server: one remote account ("alice") with an actor document, a
//     personal inbox and a shared inbox, verifying deliveries as Mastodon
//     does;
//   - Directory: any number of accounts in the shapes different servers
//     publish keys and sign requests (a Style);
//   - Peer: one server of a named Style (StyleMastodon, StyleGoToSocial,
//     StyleMisskey, StylePixelfed, ...), modelled from that server's
//     source: what it serves, how it signs, what it requires of the
//     requests it receives and which documents it would show;
//   - Fleet: thousands of servers on distinct loopback addresses;
//   - Relay: a relay server, Activity-Relay or the LitePub relay
//     (RelaySoftware), modelled from its source: NewRelay(RelayOptions),
//     SubscribeURL (what an admin configures), Approve and Reject (manual
//     acceptance), Subscriptions, Received and WaitFor (every POST it got,
//     verified as it verifies them), Sent (every POST it made), and
//     AddSubscriber, by which a Mastodon or Akkoma Peer subscribes the way
//     its software does. A Peer tells relayed activities apart
//     (Delivery.RelayedBy) and shows them, or not, as its server does:
//     Mastodon keeps a forwarded activity only with an LD signature by its
//     actor, and fetches what a relay announces.
//
// It is an independent peer, not a mirror of Herald's code: it signs and
// verifies HTTP signatures with github.com/go-fed/httpsig and its own
// RFC 9421 code, checks Digest and Date itself, and signs and verifies
// Mastodon LD signatures (SignLD, VerifyLD) with its own code on
// github.com/piprate/json-gold. Every POST that reaches its inboxes is
// verified against the sender's key (fetched from the sender) and
// recorded as accepted or rejected.
//
// A Herald end-to-end test subscribes Herald to a relay and watches a post
// reach a subscriber:
//
//	r, _ := fedtest.NewRelay(fedtest.RelayOptions{Software: fedtest.ActivityRelay, ManuallyAccept: true})
//	defer r.Close()
//	m, _ := fedtest.NewPeer(fedtest.StyleMastodon)
//	defer m.Close()
//	// configure Herald's relay with r.SubscribeURL() (Mastodon style), start it, then:
//	r.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Follow" })
//	r.Approve(ctx, heraldHost) // host:port of Herald's base URL
//	r.AddSubscriber(ctx, m)    // m follows the relay as Mastodon does
//	// publish a post on Herald, then:
//	d, _ := m.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Create" && d.RelayedBy == r.ActorID() })
//	// d.Hidden == "" when m would show it (an LD signature by the account)
package fedtest

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Delivery is one POST that reached an inbox.
type Delivery struct {
	// Path is the inbox path ("/users/alice/inbox" or "/inbox").
	Path string
	// Body is the raw body; Activity the decoded JSON.
	Body     []byte
	Activity map[string]any
	// Header is the request's headers (Host included).
	Header http.Header
	// KeyID is the signature's keyId.
	KeyID string
	// Verified is true when signature, Digest, Date and key owner all checked out.
	Verified bool
	// Problem says why verification failed.
	Problem string
	// KeyRefetched is true when, with CacheKeys, the cached key failed and
	// the signature verified only with a freshly fetched one: the sender's
	// key changed, which Mastodon answers by re-following.
	KeyRefetched bool
	// Status is what a Peer answered.
	Status int
	// Hidden, set by a Peer, says why its server accepted the activity but
	// would not show it (or not all of it) to its users: a document check
	// of that server failed. "" means it shows.
	Hidden string
	// RelayedBy, set by a Peer, is the relay actor the activity came
	// through: the HTTP signer when it is not the activity's actor (a relay
	// forwarding it unchanged; Verified then covers the relay's signature,
	// and Hidden says whether the activity itself was authenticated, by an
	// LD signature), or the actor of an Announce from a relay the peer
	// subscribed to.
	RelayedBy string
	// Announced is the object an Announce named, as the peer fetched it
	// from its origin (nil when not fetched).
	Announced map[string]any
}

// Type returns the activity's type.
func (d Delivery) Type() string { s, _ := d.Activity["type"].(string); return s }

// Object returns the embedded object, nil when the object is an IRI.
func (d Delivery) Object() map[string]any { o, _ := d.Activity["object"].(map[string]any); return o }

// Server is the fake remote server.
type Server struct {
	// URL is the server's origin (http://127.0.0.1:PORT).
	URL string
	// RequireSignedFetch makes GETs of the actor require a valid signature,
	// as GoToSocial and Mastodon in secure mode do.
	RequireSignedFetch bool
	// UnsignedFetchStatus is what GETs of the actor that are not validly
	// signed get with RequireSignedFetch: 401 when zero; some servers
	// answer 404 to hide the account.
	UnsignedFetchStatus int
	// CacheKeys makes the server keep each sender's key, as Mastodon does:
	// a signature is checked with the cached key, and only when that fails
	// is the key fetched again (Delivery.KeyRefetched).
	CacheKeys bool

	srv    *httptest.Server
	key    *rsa.PrivateKey
	pubPEM string
	client *http.Client

	mu         sync.Mutex
	deliveries []Delivery
	inboxReply func(n int) int // status for the n-th POST (from 1)
	onDelivery func(Delivery)  // called for every POST once recorded
	fetches    []Delivery      // GETs of the actor, with their verification
	changed    chan struct{}
	keys       map[string]crypto.PublicKey // with CacheKeys, by key id
}

// New starts a fake server with a fresh RSA-2048 key. Close it when done.
func New() (*Server, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	s := &Server{
		key:    key,
		pubPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		// Idle connections for 1,024 hosts: a benchmark may fetch from and
		// post to thousands (net/http fails a request whose connection it
		// closes for lack of idle slots).
		client: &http.Client{Timeout: 10 * time.Second,
			Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second}},
		changed: make(chan struct{}),
		keys:    map[string]crypto.PublicKey{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/alice", s.serveActor)
	mux.HandleFunc("POST /users/alice/inbox", s.serveInbox)
	mux.HandleFunc("POST /inbox", s.serveInbox)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// ActorID is alice's actor id.
func (s *Server) ActorID() string { return s.URL + "/users/alice" }

// KeyID is the id of alice's key.
func (s *Server) KeyID() string { return s.ActorID() + "#main-key" }

// Inbox is alice's personal inbox; SharedInbox the server's.
func (s *Server) Inbox() string { return s.ActorID() + "/inbox" }

// SharedInbox is the server's shared inbox.
func (s *Server) SharedInbox() string { return s.URL + "/inbox" }

// SetInboxReply makes the n-th POST (counting from 1) answer reply(n).
// The default answers 202.
func (s *Server) SetInboxReply(reply func(n int) int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inboxReply = reply
}

// SetOnDelivery makes every POST, once verified and recorded, call
// f(delivery) before it is answered; f runs in the request's goroutine.
func (s *Server) SetOnDelivery(f func(Delivery)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onDelivery = f
}

// Deliveries returns every POST received so far.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// Fetches returns every GET of alice's actor so far.
func (s *Server) Fetches() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.fetches...)
}

// WaitFor blocks until a delivery matching match has arrived (it may have
// arrived already) or ctx ends.
func (s *Server) WaitFor(ctx context.Context, match func(Delivery) bool) (Delivery, error) {
	for {
		s.mu.Lock()
		changed := s.changed
		for _, d := range s.deliveries {
			if match(d) {
				s.mu.Unlock()
				return d, nil
			}
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return Delivery{}, fmt.Errorf("no matching delivery among %d: %w", len(s.Deliveries()), ctx.Err())
		case <-changed:
		}
	}
}

// record stores d and wakes waiters.
func (s *Server) record(d Delivery, fetch bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fetch {
		s.fetches = append(s.fetches, d)
	} else {
		s.deliveries = append(s.deliveries, d)
	}
	close(s.changed)
	s.changed = make(chan struct{})
	return len(s.deliveries)
}

func (s *Server) serveActor(w http.ResponseWriter, r *http.Request) {
	d := Delivery{Path: r.URL.Path, Header: withHost(r)}
	d.KeyID, d.Problem, d.KeyRefetched = s.verifySignature(r.Context(), r, nil, false)
	d.Verified = d.Problem == ""
	s.record(d, true)
	if s.RequireSignedFetch && !d.Verified {
		status := s.UnsignedFetchStatus
		if status == 0 {
			status = http.StatusUnauthorized
		}
		http.Error(w, "signed fetch required: "+d.Problem, status)
		return
	}
	writePerson(w, person{id: s.ActorID(), username: "alice", name: "Alice", inbox: s.Inbox(), sharedInbox: s.SharedInbox(),
		keyID: s.KeyID(), publicKeyPEM: s.pubPEM})
}

// person is what a fake actor document says.
type person struct {
	id, username, name, inbox, sharedInbox, keyID, publicKeyPEM string
}

// writePerson answers with a Mastodon-shaped Person document.
func writePerson(w http.ResponseWriter, p person) {
	doc := map[string]any{
		"@context":          []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id":                p.id,
		"type":              "Person",
		"preferredUsername": p.username,
		"inbox":             p.inbox,
		"outbox":            p.id + "/outbox",
		"followers":         p.id + "/followers",
		"endpoints":         map[string]any{"sharedInbox": p.sharedInbox},
		"publicKey":         map[string]any{"id": p.keyID, "owner": p.id, "publicKeyPem": p.publicKeyPEM},
	}
	if p.name != "" {
		doc["name"] = p.name
	}
	w.Header().Set("Content-Type", "application/activity+json")
	_ = json.NewEncoder(w).Encode(doc)
}
