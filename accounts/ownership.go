package accounts

import (
	"context"
	"net/url"
	"sync"
	"time"

	"herald/config"
	"herald/ownership"
	"herald/store"
)

// OwnershipStore is what the ownership check needs of the store.
type OwnershipStore interface {
	Ownership(handle string) (store.Ownership, error)
	SaveOwnership(handle string, o store.Ownership) error
}

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
func (r *Registry) loadOwnership() error {
	r.owners.verified = map[string]bool{}
	if !r.cfg.Ownership.Required {
		return nil
	}
	for _, f := range r.cfg.Feeds {
		o, err := r.store.Ownership(f.Handle)
		if err != nil {
			return err
		}
		r.owners.verified[f.Handle] = o.Verified
	}
	return nil
}

// Published reports whether handle's account may be shown and followed.
func (r *Registry) Published(handle string) bool {
	if !r.cfg.Ownership.Required {
		return true
	}
	for _, f := range r.cfg.Feeds {
		if f.Handle == handle {
			if _, host := siteOf(f.URL); r.cfg.Ownership.Allowed(host) {
				return true
			}
		}
	}
	r.owners.mu.RLock()
	defer r.owners.mu.RUnlock()
	return r.owners.verified[handle]
}

// RunOwnership checks unverified sites at once and then every check
// interval, until ctx ends.
func (r *Registry) RunOwnership(ctx context.Context, checker *ownership.Checker) {
	if !r.cfg.Ownership.Required {
		return
	}
	for {
		for _, f := range r.cfg.Feeds {
			if !r.Published(f.Handle) {
				r.checkOwnership(ctx, checker, f)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(r.cfg.Ownership.Interval()):
		}
	}
}

// ownershipReload is how often WatchOwnership reads the stored outcomes
// of the accounts not verified yet.
const ownershipReload = 10 * time.Second

// WatchOwnership reads the outcomes of the ownership checks of the
// accounts not verified yet from the store every 10 seconds until ctx
// ends, so that an account verified by another replica (with replicas,
// one runs RunOwnership for all: app holds it to a task lease) is
// published here too. A verified account stays verified, so once all are,
// it reads nothing. It returns at once when the check is off.
func (r *Registry) WatchOwnership(ctx context.Context) {
	if !r.cfg.Ownership.Required {
		return
	}
	t := time.NewTicker(ownershipReload)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, f := range r.cfg.Feeds {
			if r.Published(f.Handle) {
				continue
			}
			o, err := r.store.Ownership(f.Handle)
			if err != nil {
				r.log.Warn("read ownership state", "handle", f.Handle, "error", err)
				continue
			}
			if o.Verified {
				r.owners.mu.Lock()
				r.owners.verified[f.Handle] = true
				r.owners.mu.Unlock()
			}
		}
	}
}

// checkOwnership checks f's site once and records the outcome.
func (r *Registry) checkOwnership(ctx context.Context, checker *ownership.Checker, f config.Feed) {
	o, err := r.store.Ownership(f.Handle)
	if err != nil {
		r.log.Error("ownership state", "handle", f.Handle, "error", err)
		return
	}
	site, _ := siteOf(f.URL)
	cctx, cancel := context.WithTimeout(ctx, r.cfg.FetchTimeout.Std())
	method, err := checker.Check(cctx, site, o.Token)
	cancel()
	o.LastCheck, o.LastError = r.now().UTC(), ""
	if err != nil {
		o.LastError = err.Error()
		r.log.Info("site ownership not shown yet", "handle", f.Handle, "site", site, "error", err)
	} else {
		o.Verified, o.Method, o.VerifiedAt = true, method, o.LastCheck
		r.log.Info("site ownership verified: account published", "handle", f.Handle, "site", site, "method", method)
	}
	if err := r.store.SaveOwnership(f.Handle, o); err != nil {
		r.log.Error("save ownership", "handle", f.Handle, "error", err)
		return
	}
	r.owners.mu.Lock()
	r.owners.verified[f.Handle] = o.Verified
	r.owners.mu.Unlock()
}

// ReadOwnershipStatus returns what the admin API reports, nil when the
// check is off or the site is on the allowlist.
func ReadOwnershipStatus(st OwnershipStore, cfg *config.Config, f config.Feed) (*OwnershipStatus, error) {
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
