package intake

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Answers to a hub's request at a WebSub callback (BASE/websub/HANDLE).
var (
	// ErrNoSubscription: the request names a topic Herald did not
	// subscribe to.
	ErrNoSubscription = errors.New("no such subscription")
	// ErrNotSubscribing: the hub asks to confirm a mode other than
	// subscribe or denied.
	ErrNotSubscribing = errors.New("not subscribing")
	// ErrBadIntent: a subscribe confirmation without hub.challenge or a
	// positive hub.lease_seconds.
	ErrBadIntent = errors.New("hub.challenge and hub.lease_seconds are required")
	// ErrPushRefused: a push without a valid X-Hub-Signature made with the
	// secret of an active subscription.
	ErrPushRefused = errors.New("missing or wrong X-Hub-Signature")
	// ErrBadPush: a signed push whose content is not a usable feed.
	ErrBadPush = errors.New("pushed content is not a usable feed")
)

// VerifyIntent answers the hub's verification of intent (the query q of
// its GET). Herald confirms only a subscription it asked for: the topic
// must match, and the mode must be subscribe; it then returns the
// challenge to echo. A denial is recorded and answered with no challenge.
func (p *Poller) VerifyIntent(handle string, q url.Values) (challenge string, err error) {
	sub, err := p.o.Store.Subscription(handle)
	if err != nil {
		return "", err
	}
	if sub.Topic == "" || q.Get("hub.topic") != sub.Topic {
		return "", ErrNoSubscription
	}
	switch q.Get("hub.mode") {
	case "denied":
		sub.State = "denied: " + q.Get("hub.reason")
	case "subscribe":
		challenge = q.Get("hub.challenge")
		lease, err := strconv.Atoi(q.Get("hub.lease_seconds"))
		if challenge == "" || err != nil || lease <= 0 {
			return "", ErrBadIntent
		}
		sub.State, sub.LeaseSeconds = "active", lease
		sub.LeaseUntil = p.o.Now().Add(time.Duration(lease) * time.Second)
	default:
		return "", ErrNotSubscribing
	}
	if err := p.o.Store.SaveSubscription(handle, sub); err != nil {
		return "", err
	}
	if challenge != "" {
		p.o.Log.Info("websub subscription verified", "handle", handle, "hub", sub.Hub, "lease_seconds", sub.LeaseSeconds)
	}
	return challenge, nil
}

// Push processes content the hub pushed for handle's feed, at once, like a
// poll. The body must carry a valid X-Hub-Signature (signatureHeader) made
// with the secret of an active subscription, else ErrPushRefused and
// nothing is read into the feed; content that is not a usable feed is
// ErrBadPush.
func (p *Poller) Push(ctx context.Context, handle, signatureHeader string, body []byte) error {
	sub, err := p.o.Store.Subscription(handle)
	if err != nil {
		return err
	}
	if sub.State != "active" || !validSignature(signatureHeader, body, sub.Secret) {
		return ErrPushRefused
	}
	if err := p.applyPush(ctx, p.o.Accounts.Feed(handle), body); err != nil {
		return fmt.Errorf("%w: %w", ErrBadPush, err)
	}
	return nil
}
