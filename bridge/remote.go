package bridge

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"herald/actor"
	"herald/signature"
	"herald/store"
)

// remoteCacheTTL is how long a fetched remote actor is trusted before it is
// fetched again.
const remoteCacheTTL = 24 * time.Hour

// maxRemoteDocument bounds the size of a fetched actor or key document.
const maxRemoteDocument = 1 << 20

// acceptActivityJSON is the Accept header of ActivityPub fetches.
const acceptActivityJSON = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// errGone marks a remote document that answered 404 or 410: the actor or its
// key no longer exists.
var errGone = errors.New("remote document is gone")

// remoteStore is what the resolver needs of the store.
type remoteStore interface {
	RemoteActor(id string) (store.RemoteActor, bool, error)
	RemoteActorByKey(keyID string) (store.RemoteActor, bool, error)
	SaveRemoteActor(a store.RemoteActor) error
}

// signedHostsRemembered bounds how many hosts the resolver remembers as
// refusing unsigned fetches.
const signedHostsRemembered = 10000

// resolver fetches remote actors and their keys and caches them in the
// store. Unless alwaysSign is set, a GET goes out unsigned first: most
// servers serve actors and keys to anyone, and a signature is an RSA
// operation, the dearest part of taking a new follower. A host that answers
// 401 or 403 (authorized-fetch mode) is asked again at once with a GET
// signed by the instance actor, and gets signed GETs from then on.
type resolver struct {
	store      remoteStore
	client     *http.Client
	signer     signingKey
	alwaysSign bool
	// signedHosts holds the hosts that refused an unsigned GET.
	signedHosts *lru[struct{}]
	now         func() time.Time
	log         *slog.Logger
}

func newResolver(st remoteStore, client *http.Client, signer signingKey, alwaysSign bool, now func() time.Time, log *slog.Logger) *resolver {
	return &resolver{store: st, client: client, signer: signer, alwaysSign: alwaysSign,
		signedHosts: newLRU[struct{}](signedHostsRemembered), now: now, log: log}
}

// keyResolver returns a signature.KeyResolver. With refresh false a cached
// key is used when fresh; with refresh true the key is always fetched again
// (after a verification failure: the key may have been rotated).
func (r *resolver) keyResolver(refresh bool) signature.KeyResolver {
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
func (r *resolver) actorByKey(ctx context.Context, keyID string, refresh bool) (store.RemoteActor, error) {
	if !refresh {
		cached, found, err := r.store.RemoteActorByKey(keyID)
		if err != nil {
			return store.RemoteActor{}, err
		}
		if found && r.now().Sub(cached.FetchedAt) < remoteCacheTTL {
			return cached, nil
		}
	}
	doc, err := r.fetch(ctx, stripFragment(keyID))
	if err != nil {
		return store.RemoteActor{}, err
	}
	if !doc.IsActor() {
		// A bare key document: its owner holds the inbox, and must
		// name this key as its own.
		if doc.KeyOwner == "" || !sameHost(doc.KeyOwner, keyID) {
			return store.RemoteActor{}, fmt.Errorf("key %s: owner %q is not on the key's host", keyID, doc.KeyOwner)
		}
		if doc, err = r.fetch(ctx, doc.KeyOwner); err != nil {
			return store.RemoteActor{}, err
		}
	}
	if doc.KeyID != keyID {
		return store.RemoteActor{}, fmt.Errorf("key %s: actor %s publishes key %q instead", keyID, doc.ID, doc.KeyID)
	}
	return r.save(doc)
}

// Refresh fetches the remote actor id again and updates the cache. It
// returns the document's bytes too (for fields the cache does not keep).
func (r *resolver) Refresh(ctx context.Context, id string) (store.RemoteActor, []byte, error) {
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
func (r *resolver) Actor(ctx context.Context, id string) (store.RemoteActor, error) {
	cached, found, err := r.store.RemoteActor(id)
	if err != nil {
		return store.RemoteActor{}, err
	}
	if found && r.now().Sub(cached.FetchedAt) < remoteCacheTTL {
		return cached, nil
	}
	doc, err := r.fetch(ctx, id)
	if err != nil {
		return store.RemoteActor{}, err
	}
	if !doc.IsActor() {
		return store.RemoteActor{}, fmt.Errorf("%s is not an actor", id)
	}
	return r.save(doc)
}

func (r *resolver) save(doc actor.Remote) (store.RemoteActor, error) {
	a := store.RemoteActor{ID: doc.ID, Inbox: doc.Inbox, SharedInbox: doc.SharedInbox, KeyID: doc.KeyID, PublicKeyPEM: doc.PublicKeyPEM, FetchedAt: r.now().UTC()}
	if err := r.store.SaveRemoteActor(a); err != nil {
		return store.RemoteActor{}, fmt.Errorf("cache actor %s: %w", doc.ID, err)
	}
	return a, nil
}

// fetch GETs an ActivityPub document (see resolver for when the GET is
// signed) and checks that it is what it claims: its id must be on the host
// it came from.
func (r *resolver) fetch(ctx context.Context, iri string) (actor.Remote, error) {
	doc, _, err := r.fetchRaw(ctx, iri)
	return doc, err
}

// fetchRaw is fetch that also returns the document's bytes.
func (r *resolver) fetchRaw(ctx context.Context, iri string) (actor.Remote, []byte, error) {
	host := hostOf(iri)
	_, signed := r.signedHosts.get(host)
	signed = signed || r.alwaysSign
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
			r.signedHosts.put(host, struct{}{})
			r.log.Debug("host refuses unsigned fetches; signing them from now on", "host", host, "status", unsigned)
		}
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusGone || resp.StatusCode == http.StatusNotFound {
		return actor.Remote{}, nil, fmt.Errorf("fetch %s: HTTP %d: %w", iri, resp.StatusCode, errGone)
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
	if !sameHost(doc.ID, iri) || (doc.KeyID != "" && !sameHost(doc.KeyID, iri)) {
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
func (r *resolver) get(ctx context.Context, iri string, signed bool) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, iri, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", iri, err)
	}
	req.Header.Set("Accept", acceptActivityJSON)
	if signed {
		if err := signature.Sign(req, nil, r.signer.id, r.signer.private, r.now()); err != nil {
			return nil, fmt.Errorf("sign fetch of %s: %w", iri, err)
		}
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", iri, err)
	}
	return resp, nil
}

// sameHost reports whether two URLs have the same host (and port).
func sameHost(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	return errA == nil && errB == nil && ua.Host != "" && strings.EqualFold(ua.Host, ub.Host)
}

func stripFragment(iri string) string {
	before, _, _ := strings.Cut(iri, "#")
	return before
}
