package bridge

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"herald/actor"
	"herald/metrics"
	"herald/signature"
)

// handleInbox answers POST /users/{handle}/inbox and POST /inbox (shared).
// The checks run cheapest first, so a bad or abusive request costs as
// little as possible, and every rejection changes nothing:
//
//  1. the account exists (404); the client IP is within its rate (429 with
//     Retry-After); the Content-Type is JSON (415);
//  2. the signature's keyId is not on a blocked domain or actor (403);
//  3. the inbox admits the request (503 when too many are in it, in all or
//     from this client: admission comes before the body is read, so bodies
//     in memory are bounded); the body is at most 1 MiB (413); a
//     verification slot frees up; the signature verifies (Date window, Digest against the body, key
//     fetched from its owner and refetched once if it fails: 400/401) and
//     has not been seen before within its Date window (401);
//  4. the verified sending host is within its rate (429);
//  5. the body is JSON of a sane shape (depth, array sizes) and an activity
//     (400) whose actor owns the signing key (401) and is not blocked (403,
//     and a blocked follower is removed).
//
// Accepted activities get 202 once their effect is committed.
func (b *Bridge) handleInbox(w http.ResponseWriter, r *http.Request) {
	body, leave, ok := b.admitInbox(w, r)
	if !ok {
		return
	}
	defer leave()
	verified, ok := b.verifyInbox(w, r, body)
	if !ok {
		return
	}
	activity, ok := b.decodeInbox(w, body, verified)
	if !ok {
		return
	}
	status, msg := b.handleActivity(r.Context(), activity, body)
	metrics.Count(b.metrics.Inbox, typeLabel(activity.Type), verdict(status))
	if status >= 400 {
		writeError(w, status, msg)
		return
	}
	w.WriteHeader(status)
}

// admitInbox runs steps 1 and 2 of handleInbox and returns the body and
// the function that gives the request's place in the inbox back.
func (b *Bridge) admitInbox(w http.ResponseWriter, r *http.Request) (body []byte, leave func(), ok bool) {
	if r.PathValue("handle") != "" {
		if _, ok := b.knownHandle(r); !ok {
			writeError(w, http.StatusNotFound, "no such account")
			return nil, nil, false
		}
	}
	ip := clientIP(r)
	if ok, wait := b.guard.perIP.allow(ip, b.now()); !ok {
		tooMany(w, wait)
		return nil, nil, false
	}
	if !activityJSONType(r.Header.Get("Content-Type")) {
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/activity+json")
		return nil, nil, false
	}
	if keyID, err := signature.KeyID(r); err == nil && b.guard.blocked(keyID) {
		writeError(w, http.StatusForbidden, "blocked")
		return nil, nil, false
	}
	leave, err := b.guard.queue.admit(ip)
	if err != nil {
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "busy, retry later")
		return nil, nil, false
	}
	body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, MaxInboxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		leave()
		writeError(w, http.StatusRequestEntityTooLarge, "body over 1 MiB")
		return nil, nil, false
	}
	if err != nil {
		leave()
		writeError(w, http.StatusBadRequest, "unreadable body")
		return nil, nil, false
	}
	return body, leave, true
}

// verifyInbox runs steps 3 and 4 of handleInbox.
func (b *Bridge) verifyInbox(w http.ResponseWriter, r *http.Request, body []byte) (signature.Verified, bool) {
	release, err := b.guard.queue.slot(r.Context())
	if err != nil {
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "busy, retry later")
		return signature.Verified{}, false
	}
	verified, err := b.verify(r.Context(), r, body)
	release()
	if err != nil {
		if b.acceptGoneActorDelete(r.Context(), r, body, err) {
			w.WriteHeader(http.StatusAccepted)
			return signature.Verified{}, false
		}
		status, msg := verifyErrorStatus(err)
		metrics.Count(b.metrics.Inbox, "unverified", verdict(status))
		b.log.Info("inbox: signature rejected", "remote_addr", r.RemoteAddr, "status", status, "error", err)
		writeError(w, status, msg)
		return signature.Verified{}, false
	}
	now := b.now()
	if b.guard.replay.Seen(verified.Signature, now, verified.Date.Add(b.verifyOptions().ReplayWindow())) {
		b.log.Info("inbox: replayed signature", "key_id", verified.KeyID)
		writeError(w, http.StatusUnauthorized, "replayed signature")
		return signature.Verified{}, false
	}
	if ok, wait := b.guard.perHost.allow(domainOf(verified.Owner), now); !ok {
		tooMany(w, wait)
		return signature.Verified{}, false
	}
	return verified, true
}

// decodeInbox runs step 5 of handleInbox.
func (b *Bridge) decodeInbox(w http.ResponseWriter, body []byte, verified signature.Verified) (actor.Activity, bool) {
	if err := actor.CheckJSONShape(body); err != nil {
		writeError(w, http.StatusBadRequest, "document too deep or too wide")
		return actor.Activity{}, false
	}
	activity, err := actor.ParseActivity(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "not an activity")
		return actor.Activity{}, false
	}
	if activity.Actor != verified.Owner {
		b.log.Info("inbox: actor does not own the signing key", "actor", activity.Actor, "key_id", verified.KeyID)
		writeError(w, http.StatusUnauthorized, "signature key does not belong to the activity's actor")
		return actor.Activity{}, false
	}
	if b.guard.blocked(activity.Actor) {
		b.removeEverywhere(activity.Actor)
		writeError(w, http.StatusForbidden, "blocked")
		return actor.Activity{}, false
	}
	return activity, true
}

// tooMany answers 429 with a Retry-After of whole seconds (at least 1).
func tooMany(w http.ResponseWriter, wait time.Duration) {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	writeError(w, http.StatusTooManyRequests, "rate limit exceeded")
}

// verifyOptions are the signature checks' options.
func (b *Bridge) verifyOptions() signature.VerifyOptions {
	return signature.VerifyOptions{Now: b.now(), Origin: b.cfg.BaseURL}
}

// verify checks the request's signature, fetching the key again once if it
// does not verify with the cached copy (the sender may have rotated it).
func (b *Bridge) verify(ctx context.Context, r *http.Request, body []byte) (signature.Verified, error) {
	opts := b.verifyOptions()
	keys := b.guard.keys
	v, err := signature.VerifyRequest(ctx, r, body, keys.resolver(b.remote.keyResolver(false), false, b.now), opts)
	if errors.Is(err, signature.ErrInvalidSignature) {
		v, err = signature.VerifyRequest(ctx, r, body, keys.resolver(b.remote.keyResolver(true), true, b.now), opts)
	}
	return v, err
}

// verifyErrorStatus maps a verification failure to a status and a message
// safe to show: 400 for a body that does not match its Digest, 401 for
// everything that fails to prove who sent it.
func verifyErrorStatus(err error) (int, string) {
	switch {
	case errors.Is(err, signature.ErrDigestMismatch):
		return http.StatusBadRequest, "digest does not match body"
	case errors.Is(err, signature.ErrNoSignature):
		return http.StatusUnauthorized, "signature required"
	case errors.Is(err, signature.ErrStaleDate):
		return http.StatusUnauthorized, "date outside the accepted window"
	case errors.Is(err, signature.ErrKeyUnavailable):
		return http.StatusUnauthorized, "signing key could not be fetched"
	default:
		return http.StatusUnauthorized, "invalid signature"
	}
}

// acceptGoneActorDelete handles the one unverifiable activity worth taking:
// a Delete of an actor by itself after its key is gone. The signature's
// key must be the actor's own (its id is the actor's id plus a fragment or
// a path below it), and the origin must say the actor is gone (404/410): the
// key fetch already proved it when the key lives in the actor document;
// otherwise the actor is fetched once to prove it. The origin then vouches
// for the deletion, and everything Herald holds about the actor is erased.
func (b *Bridge) acceptGoneActorDelete(ctx context.Context, r *http.Request, body []byte, verifyErr error) bool {
	if !errors.Is(verifyErr, errGone) {
		return false
	}
	a, err := actor.ParseActivity(body)
	if err != nil || a.Type != "Delete" || a.ObjectID != a.Actor {
		return false
	}
	keyID, err := signature.KeyID(r)
	if err != nil {
		return false
	}
	keyDoc := stripFragment(keyID)
	if keyDoc != a.Actor {
		if !strings.HasPrefix(keyDoc, a.Actor+"/") {
			return false
		}
		if _, err := b.remote.fetch(ctx, a.Actor); !errors.Is(err, errGone) {
			return false
		}
	}
	b.eraseActor(ctx, a.Actor)
	return true
}
