package bridge

import (
	"context"
	"net/url"
	"sync"
	"time"

	"herald/config"
	"herald/ownership"
	"herald/store"
)

// ownershipGate remembers which accounts may be published. With
// ownership.required an account is published only once its site showed its
// token; until then it is not found by WebFinger, not discoverable, and it
// refuses follows, so it sends nothing. A verified account stays verified.
type ownershipGate struct {
	mu       sync.RWMutex
	verified map[string]bool
}

// OwnershipStatus is what the admin API says about an account's check.
type OwnershipStatus struct {
	Verified     bool      `json:"verified"`
	Method       string    `json:"method,omitempty"`
	Token        string    `json:"token"`
	Instructions []string  `json:"instructions,omitempty"`
	LastCheck    time.Time `json:"last_check,omitzero"`
	LastError    string    `json:"last_error,omitempty"`
}

// siteOf is the origin a feed's ownership is checked on.
func siteOf(feedURL string) (origin, host string) {
	u, err := url.Parse(feedURL)
	if err != nil {
		return "", ""
	}
	return u.Scheme + "://" + u.Host, u.Hostname()
}

// loadOwnership fills the gate from the store.
func (b *Bridge) loadOwnership() error {
	b.owners = &ownershipGate{verified: map[string]bool{}}
	if !b.cfg.Ownership.Required {
		return nil
	}
	for _, f := range b.cfg.Feeds {
		o, err := b.store.Ownership(f.Handle)
		if err != nil {
			return err
		}
		b.owners.verified[f.Handle] = o.Verified
	}
	return nil
}

// published reports whether handle's account may be shown and followed.
func (b *Bridge) published(handle string) bool {
	if !b.cfg.Ownership.Required {
		return true
	}
	for _, f := range b.cfg.Feeds {
		if f.Handle == handle {
			if _, host := siteOf(f.URL); b.cfg.Ownership.Allowed(host) {
				return true
			}
		}
	}
	b.owners.mu.RLock()
	defer b.owners.mu.RUnlock()
	return b.owners.verified[handle]
}

// runOwnership checks unverified sites at once and then every check
// interval, until ctx ends.
func (b *Bridge) runOwnership(ctx context.Context, checker *ownership.Checker) {
	if !b.cfg.Ownership.Required {
		return
	}
	for {
		for _, f := range b.cfg.Feeds {
			if !b.published(f.Handle) {
				b.checkOwnership(ctx, checker, f)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(b.cfg.Ownership.Interval()):
		}
	}
}

// checkOwnership checks f's site once and records the outcome.
func (b *Bridge) checkOwnership(ctx context.Context, checker *ownership.Checker, f config.Feed) {
	o, err := b.store.Ownership(f.Handle)
	if err != nil {
		b.log.Error("ownership state", "handle", f.Handle, "error", err)
		return
	}
	site, _ := siteOf(f.URL)
	cctx, cancel := context.WithTimeout(ctx, b.cfg.FetchTimeout.Std())
	method, err := checker.Check(cctx, site, o.Token)
	cancel()
	o.LastCheck, o.LastError = b.now().UTC(), ""
	if err != nil {
		o.LastError = err.Error()
		b.log.Info("site ownership not shown yet", "handle", f.Handle, "site", site, "error", err)
	} else {
		o.Verified, o.Method, o.VerifiedAt = true, method, o.LastCheck
		b.log.Info("site ownership verified: account published", "handle", f.Handle, "site", site, "method", method)
	}
	if err := b.store.SaveOwnership(f.Handle, o); err != nil {
		b.log.Error("save ownership", "handle", f.Handle, "error", err)
		return
	}
	b.owners.mu.Lock()
	b.owners.verified[f.Handle] = o.Verified
	b.owners.mu.Unlock()
}

// ownershipStatus returns what the admin API reports, nil when the check
// is off or the site is on the allowlist.
func ownershipStatus(st *store.Store, cfg *config.Config, f config.Feed) (*OwnershipStatus, error) {
	site, host := siteOf(f.URL)
	if !cfg.Ownership.Required || cfg.Ownership.Allowed(host) {
		return nil, nil
	}
	o, err := st.Ownership(f.Handle)
	if err != nil {
		return nil, err
	}
	s := &OwnershipStatus{Verified: o.Verified, Method: o.Method, Token: o.Token, LastCheck: o.LastCheck, LastError: o.LastError}
	if !o.Verified {
		s.Instructions = ownership.Instructions(site, o.Token)
	}
	return s, nil
}
