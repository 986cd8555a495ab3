package bridge

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"herald/actor"
	"herald/metrics"
	"herald/signature"
)

// handleInbox answers POST /users/{handle}/inbox and POST /inbox (shared).
// The checks run in Mastodon's order: size, signature (Date window, Digest
// against the body, key fetched from its owner), then the activity itself,
// whose actor must own the signing key. Every rejection changes nothing.
// Accepted activities get 202 once their effect is committed.
func (b *Bridge) handleInbox(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("handle") != "" {
		if _, ok := b.knownHandle(r); !ok {
			writeError(w, http.StatusNotFound, "no such account")
			return
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxInboxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeError(w, http.StatusRequestEntityTooLarge, "body over 1 MiB")
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "unreadable body")
		return
	}
	verified, err := b.verify(r.Context(), r, body)
	if err != nil {
		if b.acceptGoneActorDelete(r.Context(), body, err) {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		status, msg := verifyErrorStatus(err)
		metrics.Count(b.metrics.Inbox, "unverified", verdict(status))
		b.log.Info("inbox: signature rejected", "remote_addr", r.RemoteAddr, "status", status, "error", err)
		writeError(w, status, msg)
		return
	}
	activity, err := actor.ParseActivity(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "not an activity")
		return
	}
	if activity.Actor != verified.Owner {
		b.log.Info("inbox: actor does not own the signing key", "actor", activity.Actor, "key_id", verified.KeyID)
		writeError(w, http.StatusUnauthorized, "signature key does not belong to the activity's actor")
		return
	}
	status, msg := b.handleActivity(r.Context(), activity)
	metrics.Count(b.metrics.Inbox, typeLabel(activity.Type), verdict(status))
	if status >= 400 {
		writeError(w, status, msg)
		return
	}
	w.WriteHeader(status)
}

// knownTypes are the activity types counted under their own label; any
// other type (senders choose it) is counted as "other", to keep the number
// of series bounded.
var knownTypes = map[string]bool{"Follow": true, "Undo": true, "Like": true, "Announce": true, "Create": true,
	"Update": true, "Delete": true, "Move": true, "Flag": true, "Block": true, "Accept": true, "Reject": true, "EmojiReact": true}

func typeLabel(t string) string {
	if knownTypes[t] {
		return t
	}
	return "other"
}

// verdict labels an inbox answer for the metrics.
func verdict(status int) string {
	if status < 300 {
		return "accepted"
	}
	return strconv.Itoa(status)
}

// verify checks the request's signature, fetching the key again once if it
// does not verify with the cached copy (the sender may have rotated it).
func (b *Bridge) verify(ctx context.Context, r *http.Request, body []byte) (signature.Verified, error) {
	opts := signature.VerifyOptions{Now: b.now()}
	v, err := signature.Verify(ctx, r, body, b.remote.keyResolver(false), opts)
	if errors.Is(err, signature.ErrInvalidSignature) {
		v, err = signature.Verify(ctx, r, body, b.remote.keyResolver(true), opts)
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
// a Delete of an actor by itself after its key is gone (404/410 at its
// origin). The origin vouches for the deletion, so the actor is removed as
// a follower everywhere.
func (b *Bridge) acceptGoneActorDelete(ctx context.Context, body []byte, verifyErr error) bool {
	if !errors.Is(verifyErr, errGone) {
		return false
	}
	a, err := actor.ParseActivity(body)
	if err != nil || a.Type != "Delete" || a.ObjectID != a.Actor {
		return false
	}
	b.removeEverywhere(a.Actor)
	return true
}
