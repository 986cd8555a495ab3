package inbox

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
	"herald/ratelimit"
	"herald/remote"
	"herald/respond"
	"herald/signature"
)

// ServeHTTP answers POST /users/{handle}/inbox and POST /inbox (shared).
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
//     has not been seen before within its Date window, by this replica or
//     another (401; 503 with Retry-After when the store cannot tell, see
//     replay.go);
//  4. the verified sending host is within its rate (429);
//  5. the body is JSON of a sane shape (depth, array sizes) and an activity
//     (400) whose actor owns the signing key (401; a subscribed relay's
//     forwarding of another server's activity is taken with 202 and
//     dropped) and is not blocked (403, and a blocked follower is removed).
//
// Accepted activities get 202 once their effect is committed.
func (in *Inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, leave, ok := in.admitInbox(w, r)
	if !ok {
		return
	}
	defer leave()
	verified, ok := in.verifyInbox(w, r, body)
	if !ok {
		return
	}
	activity, ok := in.decodeInbox(w, body, verified)
	if !ok {
		return
	}
	status, msg := in.handleActivity(r.Context(), activity, body)
	metrics.Count(in.o.Metrics.Inbox, typeLabel(activity.Type), verdict(status))
	if status >= 400 {
		respond.Error(w, status, msg)
		return
	}
	w.WriteHeader(status)
}

// admitInbox runs steps 1 and 2 of ServeHTTP and returns the body and
// the function that gives the request's place in the inbox back.
func (in *Inbox) admitInbox(w http.ResponseWriter, r *http.Request) (body []byte, leave func(), ok bool) {
	if r.PathValue("handle") != "" {
		if _, ok := in.knownHandle(r); !ok {
			respond.Error(w, http.StatusNotFound, "no such account")
			return nil, nil, false
		}
	}
	ip := ratelimit.ClientIP(r)
	if ok, wait := in.guard.perIP.Allow(ip, in.o.Now()); !ok {
		tooMany(w, wait)
		return nil, nil, false
	}
	if !activityJSONType(r.Header.Get("Content-Type")) {
		respond.Error(w, http.StatusUnsupportedMediaType, "Content-Type must be application/activity+json")
		return nil, nil, false
	}
	if keyID, err := signature.KeyID(r); err == nil && in.guard.blocked(keyID) {
		respond.Error(w, http.StatusForbidden, "blocked")
		return nil, nil, false
	}
	leave, err := in.guard.queue.admit(ip)
	if err != nil {
		w.Header().Set("Retry-After", "5")
		respond.Error(w, http.StatusServiceUnavailable, "busy, retry later")
		return nil, nil, false
	}
	body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		leave()
		respond.Error(w, http.StatusRequestEntityTooLarge, "body over 1 MiB")
		return nil, nil, false
	}
	if err != nil {
		leave()
		respond.Error(w, http.StatusBadRequest, "unreadable body")
		return nil, nil, false
	}
	return body, leave, true
}

// verifyInbox runs steps 3 and 4 of ServeHTTP.
func (in *Inbox) verifyInbox(w http.ResponseWriter, r *http.Request, body []byte) (signature.Verified, bool) {
	release, err := in.guard.queue.slot(r.Context())
	if err != nil {
		w.Header().Set("Retry-After", "5")
		respond.Error(w, http.StatusServiceUnavailable, "busy, retry later")
		return signature.Verified{}, false
	}
	verified, err := in.Verify(r.Context(), r, body)
	release()
	if err != nil {
		if in.acceptGoneActorDelete(r.Context(), r, body, err) {
			w.WriteHeader(http.StatusAccepted)
			return signature.Verified{}, false
		}
		status, msg := VerifyErrorStatus(err)
		metrics.Count(in.o.Metrics.Inbox, "unverified", verdict(status))
		in.o.Log.Info("inbox: signature rejected", "remote_addr", r.RemoteAddr, "status", status, "error", err)
		respond.Error(w, status, msg)
		return signature.Verified{}, false
	}
	now := in.o.Now()
	if status, msg := in.checkReplay(verified, now); status != 0 {
		if status == http.StatusUnauthorized {
			in.o.Log.Info("inbox: replayed signature", "key_id", verified.KeyID)
		} else {
			w.Header().Set("Retry-After", "30")
		}
		respond.Error(w, status, msg)
		return signature.Verified{}, false
	}
	if ok, wait := in.guard.perHost.Allow(actor.Domain(verified.Owner), now); !ok {
		tooMany(w, wait)
		return signature.Verified{}, false
	}
	return verified, true
}

// decodeInbox runs step 5 of ServeHTTP.
func (in *Inbox) decodeInbox(w http.ResponseWriter, body []byte, verified signature.Verified) (actor.Activity, bool) {
	if err := actor.CheckJSONShape(body); err != nil {
		respond.Error(w, http.StatusBadRequest, "document too deep or too wide")
		return actor.Activity{}, false
	}
	activity, err := actor.ParseActivity(body)
	if err != nil {
		respond.Error(w, http.StatusBadRequest, "not an activity")
		return actor.Activity{}, false
	}
	if activity.Actor != verified.Owner && in.o.Relays.IsRelay(verified.Owner) {
		// What a relay forwards from its other subscribers: Herald's relay
		// actor subscribes to send, not to read, so it is taken and dropped.
		metrics.Count(in.o.Metrics.Inbox, typeLabel(activity.Type), "relayed")
		w.WriteHeader(http.StatusAccepted)
		return actor.Activity{}, false
	}
	if activity.Actor != verified.Owner {
		in.o.Log.Info("inbox: actor does not own the signing key", "actor", activity.Actor, "key_id", verified.KeyID)
		respond.Error(w, http.StatusUnauthorized, "signature key does not belong to the activity's actor")
		return actor.Activity{}, false
	}
	if in.guard.blocked(activity.Actor) {
		in.removeEverywhere(activity.Actor)
		respond.Error(w, http.StatusForbidden, "blocked")
		return actor.Activity{}, false
	}
	return activity, true
}

// tooMany answers 429 with a Retry-After of whole seconds (at least 1).
func tooMany(w http.ResponseWriter, wait time.Duration) {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	respond.Error(w, http.StatusTooManyRequests, "rate limit exceeded")
}

// verifyOptions are the signature checks' options.
func (in *Inbox) verifyOptions() signature.VerifyOptions {
	return signature.VerifyOptions{Now: in.o.Now(), Origin: in.o.Config.BaseURL}
}

// Verify checks the request's signature, fetching the key again once if it
// does not verify with the cached copy (the sender may have rotated it).
func (in *Inbox) Verify(ctx context.Context, r *http.Request, body []byte) (signature.Verified, error) {
	opts := in.verifyOptions()
	keys := in.guard.keys
	v, err := signature.VerifyRequest(ctx, r, body, keys.resolver(in.o.Remote.KeyResolver(false), false, in.o.Now), opts)
	if errors.Is(err, signature.ErrInvalidSignature) {
		v, err = signature.VerifyRequest(ctx, r, body, keys.resolver(in.o.Remote.KeyResolver(true), true, in.o.Now), opts)
	}
	return v, err
}

// VerifyErrorStatus maps a verification failure to a status and a message
// safe to show: 400 for a body that does not match its Digest, 401 for
// everything that fails to prove who sent it.
func VerifyErrorStatus(err error) (int, string) {
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
func (in *Inbox) acceptGoneActorDelete(ctx context.Context, r *http.Request, body []byte, verifyErr error) bool {
	if !errors.Is(verifyErr, remote.ErrGone) {
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
	keyDoc := actor.WithoutFragment(keyID)
	if keyDoc != a.Actor {
		if !strings.HasPrefix(keyDoc, a.Actor+"/") {
			return false
		}
		if _, err := in.o.Remote.Fetch(ctx, a.Actor); !errors.Is(err, remote.ErrGone) {
			return false
		}
	}
	in.eraseActor(ctx, a.Actor)
	return true
}
