// Package remote fetches the documents of remote actors and their keys and
// keeps them in the store. It decides when Herald signs its GETs (unsigned
// first, signed for hosts that refuse that) and checks that a document is
// what it claims to be. It uses actor to read documents, signature to sign,
// and its own small store interface.
package remote

import (
	"context"
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"herald/actor"
	"herald/lru"
	"herald/outbound"
	"herald/signature"
	"herald/store"
)

// remoteCacheTTL is how long a fetched remote actor is trusted before it is
// fetched again.
const remoteCacheTTL = 24 * time.Hour

// maxRemoteDocument bounds the size of a fetched actor or key document.
const maxRemoteDocument = 1 << 20

// ErrGone marks a remote document that answered 404 or 410: the actor or its
// key no longer exists.
var ErrGone = errors.New("remote document is gone")

// Store is what the resolver needs of the store.
type Store interface {
	RemoteActor(id string) (store.RemoteActor, bool, error)
	RemoteActorByKey(keyID string) (store.RemoteActor, bool, error)
	SaveRemoteActor(a store.RemoteActor) error
}

// signedHostsRemembered bounds how many hosts the resolver remembers as
// refusing unsigned fetches.
const signedHostsRemembered = 10000

// Resolver fetches remote actors and their keys and caches them in the
// store. Unless AlwaysSign is set, a GET goes out unsigned first: most
// servers serve actors and keys to anyone, and a signature is an RSA
// operation, the dearest part of taking a new follower. A host that answers
// 401 or 403 (authorized-fetch mode) is asked again at once with a GET
// signed by the instance actor, and gets signed GETs from then on.
//
// It is safe for concurrent use.
type Resolver struct {
	o Options
	// signedHosts holds the hosts that refused an unsigned GET.
	signedHosts *lru.Cache[struct{}]
}

// Options are what a Resolver needs; all are required.
type Options struct {
	Store  Store
	Client *http.Client
	// SignerKeyID and SignerKey sign Herald's GETs: the instance actor's.
	SignerKeyID string
	SignerKey   *rsa.PrivateKey
	// AlwaysSign signs every GET (signed_fetch: always).
	AlwaysSign bool
	// PlainWebFinger lets Lookup ask a server's WebFinger over plain http
	// when https cannot connect (allow_private_addresses: test setups on
	// loopback).
	PlainWebFinger bool
	Now            func() time.Time
	Log            *slog.Logger
}

// New returns a Resolver.
func New(o Options) *Resolver {
	return &Resolver{o: o, signedHosts: lru.New[struct{}](signedHostsRemembered)}
}

// KeyResolver returns a signature.KeyResolver. With refresh false a cached
// key is used when fresh; with refresh true the key is always fetched again
// (after a verification failure: the key may have been rotated).
func (r *Resolver) KeyResolver(refresh bool) signature.KeyResolver {
	return func(ctx context.Context, keyID string) (crypto.PublicKey, string, error) {
		a, err := r.actorByKey(ctx, keyID, refresh)
		if err != nil {
			return nil, "", err
		}
		pub, err := actor.ParsePublicKeyPEM(a.PublicKeyPEM)
		if err != nil {
			return nil, "", fmt.Errorf("key %s: %w", keyID, err)
		}
		return pub, a.ID, nil
	}
}

// actorByKey returns the actor owning keyID.
func (r *Resolver) actorByKey(ctx context.Context, keyID string, refresh bool) (store.RemoteActor, error) {
	if !refresh {
		cached, found, err := r.o.Store.RemoteActorByKey(keyID)
		if err == nil && !found && keyID == actor.WithoutFragment(keyID) {
			cached, found, err = r.o.Store.RemoteActor(keyID) // keyId is the actor: see below
		}
		if err != nil {
			return store.RemoteActor{}, err
		}
		if found && r.o.Now().Sub(cached.FetchedAt) < remoteCacheTTL {
			return cached, nil
		}
	}
	doc, err := r.Fetch(ctx, actor.WithoutFragment(keyID))
	if err != nil {
		return store.RemoteActor{}, err
	}
	if !doc.IsActor() {
		// A bare key document, or a key stub (GoToSocial serves one at
		// its key ids to any GET, while its actors need a signed GET):
		// the owner holds the inbox, is fetched as any actor is (signed
		// when its host asks for it), and must name this key as its own,
		// or anyone could claim an account for their key.
		if doc.KeyOwner == "" || !actor.SameHost(doc.KeyOwner, keyID) {
			return store.RemoteActor{}, fmt.Errorf("key %s: owner %q is not on the key's host", keyID, doc.KeyOwner)
		}
		owner := doc.KeyOwner
		if doc, err = r.Fetch(ctx, owner); err != nil {
			return store.RemoteActor{}, err
		}
		if !doc.IsActor() {
			return store.RemoteActor{}, fmt.Errorf("key %s: owner %s is not an actor", keyID, owner)
		}
	}
	// A keyId may also name the actor itself, whose one key then signs
	// (Activity-Relay signs so; Mastodon accepts it, finding the account
	// by the keyId before it looks for a key).
	if doc.KeyID != keyID && doc.ID != keyID {
		return store.RemoteActor{}, fmt.Errorf("key %s: actor %s publishes key %q instead", keyID, doc.ID, doc.KeyID)
	}
	return r.save(doc)
}

// Refresh fetches the remote actor id again and updates the cache. It
// returns the document's bytes too (for fields the cache does not keep).
func (r *Resolver) Refresh(ctx context.Context, id string) (store.RemoteActor, []byte, error) {
	doc, body, err := r.fetchRaw(ctx, id)
	if err != nil {
		return store.RemoteActor{}, nil, err
	}
	if !doc.IsActor() || doc.ID != id {
		return store.RemoteActor{}, nil, fmt.Errorf("%s is not an actor", id)
	}
	a, err := r.save(doc)
	return a, body, err
}

// Actor returns the remote actor id, from the cache when fresh.
func (r *Resolver) Actor(ctx context.Context, id string) (store.RemoteActor, error) {
	cached, found, err := r.o.Store.RemoteActor(id)
	if err != nil {
		return store.RemoteActor{}, err
	}
	if found && r.o.Now().Sub(cached.FetchedAt) < remoteCacheTTL {
		return cached, nil
	}
	doc, err := r.Fetch(ctx, id)
	if err != nil {
		return store.RemoteActor{}, err
	}
	if !doc.IsActor() {
		return store.RemoteActor{}, fmt.Errorf("%s is not an actor", id)
	}
	return r.save(doc)
}

func (r *Resolver) save(doc actor.Remote) (store.RemoteActor, error) {
	a := store.RemoteActor{ID: doc.ID, Inbox: doc.Inbox, SharedInbox: doc.SharedInbox, KeyID: doc.KeyID, PublicKeyPEM: doc.PublicKeyPEM,
		Username: doc.Username, Name: doc.Name, Icon: doc.Icon, URL: doc.URL, Followers: doc.Followers, FetchedAt: r.o.Now().UTC()}
	if err := r.o.Store.SaveRemoteActor(a); err != nil {
		return store.RemoteActor{}, fmt.Errorf("cache actor %s: %w", doc.ID, err)
	}
	return a, nil
}

// Fetch GETs an ActivityPub document (see Resolver for when the GET is
// signed) and checks that it is what it claims: its id must be on the host
// it came from.
func (r *Resolver) Fetch(ctx context.Context, iri string) (actor.Remote, error) {
	doc, _, err := r.fetchRaw(ctx, iri)
	return doc, err
}

// fetchRaw is Fetch that also returns the document's bytes.
func (r *Resolver) fetchRaw(ctx context.Context, iri string) (actor.Remote, []byte, error) {
	host := outbound.HostOf(iri)
	_, signed := r.signedHosts.Get(host)
	signed = signed || r.o.AlwaysSign
	resp, err := r.get(ctx, iri, signed)
	if err != nil {
		return actor.Remote{}, nil, err
	}
	if unsigned := resp.StatusCode; !signed && answersSigned(unsigned) {
		// 401 and 403 refuse the unsigned GET; some servers hide their
		// documents from unsigned GETs behind a 404 or 410, so a document
		// is only taken for gone when a signed GET says so too.
		resp.Body.Close()
		if resp, err = r.get(ctx, iri, true); err != nil {
			return actor.Remote{}, nil, err
		}
		if unsigned == http.StatusUnauthorized || unsigned == http.StatusForbidden || resp.StatusCode == http.StatusOK {
			r.signedHosts.Put(host, struct{}{})
			r.o.Log.Debug("host refuses unsigned fetches; signing them from now on", "host", host, "status", unsigned)
		}
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusGone || resp.StatusCode == http.StatusNotFound {
		return actor.Remote{}, nil, fmt.Errorf("fetch %s: HTTP %d: %w", iri, resp.StatusCode, ErrGone)
	}
	if resp.StatusCode != http.StatusOK {
		return actor.Remote{}, nil, fmt.Errorf("fetch %s: HTTP %d", iri, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRemoteDocument+1))
	if err != nil {
		return actor.Remote{}, nil, fmt.Errorf("fetch %s: %w", iri, err)
	}
	if len(body) > maxRemoteDocument {
		return actor.Remote{}, nil, fmt.Errorf("fetch %s: document over %d bytes", iri, maxRemoteDocument)
	}
	doc, err := actor.ParseRemote(body)
	if err != nil {
		return actor.Remote{}, nil, fmt.Errorf("fetch %s: %w", iri, err)
	}
	if !actor.SameHost(doc.ID, iri) || (doc.KeyID != "" && !actor.SameHost(doc.KeyID, iri)) {
		return actor.Remote{}, nil, fmt.Errorf("fetch %s: document claims id %s on another host", iri, doc.ID)
	}
	return doc, body, nil
}

// answersSigned reports whether an unsigned GET answered with status is
// worth asking again with a signature.
func answersSigned(status int) bool {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusGone:
		return true
	}
	return false
}

// get sends one GET of iri, signed by the instance actor when signed is set.
func (r *Resolver) get(ctx context.Context, iri string, signed bool) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, iri, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", iri, err)
	}
	req.Header.Set("Accept", actor.AcceptHeader)
	if signed {
		if err := signature.Sign(req, nil, r.o.SignerKeyID, r.o.SignerKey, r.o.Now()); err != nil {
			return nil, fmt.Errorf("sign fetch of %s: %w", iri, err)
		}
	}
	resp, err := r.o.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", iri, err)
	}
	return resp, nil
}
