package intake

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/config"
	"herald/store"
)

// WebSub subscriber settings.
const (
	// leaseSeconds is the lease Herald asks for (hubs may grant another).
	leaseSeconds = 10 * 24 * 3600
	// pendingTimeout is how long a subscription request may go unverified
	// before it is sent again.
	pendingTimeout = time.Minute
	// resubscribeAfterFailure is the pause after a refused request.
	resubscribeAfterFailure = time.Hour
)

// maintainSubscription subscribes to the hub the feed advertises, or
// renews the lease before it runs out (in its last tenth). It returns the
// time until the next renewal (0 if none is planned) and whether the hub
// pushes this feed now.
func (p *Poller) maintainSubscription(ctx context.Context, f config.Feed, st store.FeedState) (renew time.Duration, active bool) {
	if st.Hub == "" || st.Disabled {
		return 0, false
	}
	if st.Hub == p.o.Config.BaseURL+"/websub" {
		// The feed names Herald itself as its hub: its publisher notifies
		// Herald directly (POST /websub), so there is nothing to
		// subscribe to.
		return 0, true
	}
	sub, err := p.o.Store.Subscription(f.Handle)
	if err != nil {
		p.o.Log.Error("read subscription", "handle", f.Handle, "error", err)
		return 0, false
	}
	now := p.o.Now()
	if sub.Hub != st.Hub || sub.Topic != st.URL {
		sub = store.Subscription{Hub: st.Hub, Topic: st.URL, Secret: newSecret()}
	}
	active = sub.State == "active" && now.Before(sub.LeaseUntil)
	renewAt := sub.LeaseUntil.Add(-time.Duration(sub.LeaseSeconds) * time.Second / 10)
	switch {
	case active && now.Before(renewAt):
		return renewAt.Sub(now), true
	case (sub.State == "pending" || active && sub.Requested.After(renewAt)) && now.Sub(sub.Requested) < pendingTimeout:
		return pendingTimeout - now.Sub(sub.Requested), active // awaiting verification
	case strings.HasPrefix(sub.State, "failed") || strings.HasPrefix(sub.State, "denied"):
		if now.Sub(sub.Requested) < resubscribeAfterFailure {
			return 0, false
		}
	}
	// Saved before asking: the hub may verify before it answers.
	sub.Requested = now
	if !active {
		sub.State = "pending"
	}
	if err := p.o.Store.SaveSubscription(f.Handle, sub); err != nil {
		p.o.Log.Error("save subscription", "handle", f.Handle, "error", err)
		return 0, active
	}
	if err := p.subscribe(ctx, f.Handle, sub); err != nil {
		p.o.Log.Warn("websub subscription failed", "handle", f.Handle, "hub", sub.Hub, "error", err)
		sub.State = "failed: " + err.Error()
		if err := p.o.Store.SaveSubscription(f.Handle, sub); err != nil {
			p.o.Log.Error("save subscription", "handle", f.Handle, "error", err)
		}
		return 0, active
	}
	return pendingTimeout, active
}

// subscribe sends the subscription request; the hub then verifies it at
// the callback (VerifyIntent).
func (p *Poller) subscribe(ctx context.Context, handle string, sub store.Subscription) error {
	form := url.Values{
		"hub.mode":          {"subscribe"},
		"hub.topic":         {sub.Topic},
		"hub.callback":      {p.callbackURL(handle)},
		"hub.secret":        {sub.Secret},
		"hub.lease_seconds": {strconv.Itoa(leaseSeconds)},
	}
	ctx, cancel := context.WithTimeout(ctx, p.o.Config.FetchTimeout.Std())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Hub, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", p.o.Fetcher.UserAgent)
	resp, err := p.o.Fetcher.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("hub %s answered HTTP %d", sub.Hub, resp.StatusCode)
	}
	return nil
}

// callbackURL is where the hub verifies and pushes handle's feed.
func (p *Poller) callbackURL(handle string) string {
	return p.o.Config.BaseURL + "/websub/" + handle
}

// newSecret returns 32 random bytes in hex.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// validSignature checks an X-Hub-Signature header ("sha256=HEX"; sha1,
// sha384 and sha512 as WebSub allows) against body and secret.
func validSignature(header string, body []byte, secret string) bool {
	algo, sig, ok := strings.Cut(strings.TrimSpace(header), "=")
	if !ok || secret == "" {
		return false
	}
	var h func() hash.Hash
	switch strings.ToLower(algo) {
	case "sha1":
		h = sha1.New
	case "sha256":
		h = sha256.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	default:
		return false
	}
	want, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write(body)
	return hmac.Equal(mac.Sum(nil), want)
}
