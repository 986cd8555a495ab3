package bridge

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

// maxPushBody is the largest pushed feed document accepted.
const maxPushBody = 10 << 20

// handleWebSubVerify answers GET /websub/{handle}: the hub's verification
// of intent. Herald confirms (echoing hub.challenge) only a subscription it
// asked for: the topic must match, and the mode must be subscribe. A
// denial is recorded. Anything else gets 404.
func (b *Bridge) handleWebSubVerify(w http.ResponseWriter, r *http.Request) {
	handle, ok := b.knownHandle(r)
	if !ok {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	sub, err := b.store.Subscription(handle)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	q := r.URL.Query()
	if sub.Topic == "" || q.Get("hub.topic") != sub.Topic {
		writeError(w, http.StatusNotFound, "no such subscription")
		return
	}
	switch q.Get("hub.mode") {
	case "denied":
		sub.State = "denied: " + q.Get("hub.reason")
	case "subscribe":
		challenge := q.Get("hub.challenge")
		lease, err := strconv.Atoi(q.Get("hub.lease_seconds"))
		if challenge == "" || err != nil || lease <= 0 {
			writeError(w, http.StatusBadRequest, "hub.challenge and hub.lease_seconds are required")
			return
		}
		sub.State, sub.LeaseSeconds = "active", lease
		sub.LeaseUntil = b.now().Add(time.Duration(lease) * time.Second)
		if err := b.store.SaveSubscription(handle, sub); err != nil {
			internalError(w, b.log, r, err)
			return
		}
		b.log.Info("websub subscription verified", "handle", handle, "hub", sub.Hub, "lease_seconds", lease)
		writeBytes(w, "text/plain; charset=utf-8", []byte(challenge))
		return
	default:
		writeError(w, http.StatusNotFound, "not subscribing")
		return
	}
	if err := b.store.SaveSubscription(handle, sub); err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeBytes(w, "text/plain; charset=utf-8", nil)
}

// handleWebSubPush answers POST /websub/{handle}: content pushed by the
// hub. The body must carry a valid X-Hub-Signature made with the secret of
// an active subscription (else 403, and nothing is read into the feed); it
// is then processed at once, like a poll.
func (b *Bridge) handleWebSubPush(w http.ResponseWriter, r *http.Request) {
	handle, ok := b.knownHandle(r)
	if !ok {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPushBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeError(w, http.StatusRequestEntityTooLarge, "body too large")
		return
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "unreadable body")
		return
	}
	sub, err := b.store.Subscription(handle)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	if sub.State != "active" || !validSignature(r.Header.Get("X-Hub-Signature"), body, sub.Secret) {
		b.log.Warn("websub push rejected: missing or wrong signature", "handle", handle, "remote", r.RemoteAddr)
		writeError(w, http.StatusForbidden, "missing or wrong X-Hub-Signature")
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*b.cfg.FetchTimeout.Std())
	defer cancel()
	if err := b.poller.applyPush(ctx, b.feedConfig(handle), body); err != nil {
		b.log.Warn("websub push not processed", "handle", handle, "error", err)
		writeError(w, http.StatusBadRequest, "pushed content is not a usable feed")
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
