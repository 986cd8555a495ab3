package delivery

import (
	"sync"
	"time"

	"herald/store"
)

// Circuit breaker settings.
const (
	// DefaultPerHost is how many deliveries may be in flight to one host.
	DefaultPerHost = 8
	// breakerThreshold is how many consecutive failures hold a host back.
	breakerThreshold = 5
	// breakerCooldown is the first hold; each failed probe doubles it, up
	// to breakerMaxCooldown.
	breakerCooldown    = time.Minute
	breakerMaxCooldown = time.Hour
)

// Host states as stored in store.HostState.State.
const (
	hostOK      = "ok"
	hostFailing = "failing"
	hostHeld    = "held"
)

// hostTable limits deliveries per host and runs a circuit breaker for each:
// after breakerThreshold consecutive failures a host is held back (its jobs
// stay queued, their attempts not counted) until its cooldown passes; then
// one probe request is let through. A probe that succeeds closes the
// breaker; one that fails holds the host back twice as long. A slow or dead
// host thus occupies at most perHost requests, and never delays others.
// It is safe for concurrent use.
type hostTable struct {
	perHost int

	mu    sync.Mutex
	hosts map[string]*hostHealth
}

type hostHealth struct {
	inFlight int
	probing  bool
	state    store.HostState
}

func newHostTable(perHost int, saved map[string]store.HostState) *hostTable {
	t := &hostTable{perHost: perHost, hosts: map[string]*hostHealth{}}
	for name, st := range saved {
		if st.State != hostOK {
			t.hosts[name] = &hostHealth{state: st}
		}
	}
	return t
}

// admits reports whether a delivery to host may start at now.
func (t *hostTable) admits(host string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.admitsLocked(t.hosts[host], now)
}

func (t *hostTable) admitsLocked(h *hostHealth, now time.Time) bool {
	switch {
	case h == nil:
		return true
	case h.inFlight >= t.perHost:
		return false
	case h.state.State == hostHeld:
		return !h.probing && h.inFlight == 0 && !now.Before(h.state.HeldUntil)
	}
	return true
}

// acquire counts a delivery to host as started, if admits allows it; a
// delivery to a held host whose cooldown has passed becomes its probe.
func (t *hostTable) acquire(host string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.hosts[host]
	if !t.admitsLocked(h, now) {
		return false
	}
	if h == nil {
		h = &hostHealth{state: store.HostState{Host: host, State: hostOK}}
		t.hosts[host] = h
	}
	h.inFlight++
	if h.state.State == hostHeld {
		h.probing = true
	}
	return true
}

// release counts a delivery to host as ended without an outcome (shutdown).
func (t *hostTable) release(host string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if h := t.hosts[host]; h != nil {
		h.inFlight--
		h.probing = false
		t.forgetLocked(host, h)
	}
}

// forgetLocked drops a healthy idle host so the table stays small.
func (t *hostTable) forgetLocked(host string, h *hostHealth) {
	if h.inFlight == 0 && h.state.State == hostOK {
		delete(t.hosts, host)
	}
}

// done ends a delivery to host and feeds the breaker: ok is false when the
// host failed (network error, 5xx, 408, 429; a 4xx answer shows the host is
// up). It returns the host's new state when it changed and must be stored,
// else nil.
func (t *hostTable) done(host string, ok bool, reason string, now time.Time) *store.HostState {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.hosts[host]
	if h == nil { // cannot happen: acquire created it
		return nil
	}
	h.inFlight--
	wasProbe := h.probing
	h.probing = false
	defer t.forgetLocked(host, h)
	st := &h.state
	if ok {
		if st.State == hostOK {
			return nil
		}
		st.State, st.Failures, st.HeldUntil, st.Cooldown, st.LastSuccess = hostOK, 0, time.Time{}, 0, now
		out := *st
		return &out
	}
	st.Failures++
	st.LastError, st.LastFailure = reason, now
	switch {
	case wasProbe:
		st.Cooldown = max(breakerCooldown, min(2*st.Cooldown, breakerMaxCooldown))
		st.HeldUntil = now.Add(st.Cooldown)
	case st.State != hostHeld && st.Failures >= breakerThreshold:
		st.State, st.Cooldown, st.HeldUntil = hostHeld, breakerCooldown, now.Add(breakerCooldown)
	case st.State == hostOK:
		st.State = hostFailing
	}
	out := *st
	return &out
}

// merge takes the states in saved (as stored, by every replica) that are
// newer than this table's: a host that another replica's breaker holds
// back is held here too, and one that recovered there recovers here. The
// requests in flight and a probe under way stay as they are.
func (t *hostTable) merge(saved map[string]store.HostState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for name, st := range saved {
		h := t.hosts[name]
		switch {
		case h == nil && st.State != hostOK:
			t.hosts[name] = &hostHealth{state: st}
		case h != nil && lastEvent(st).After(lastEvent(h.state)):
			h.state = st
			t.forgetLocked(name, h)
		}
	}
}

// lastEvent is when st last changed: its last failure or success.
func lastEvent(st store.HostState) time.Time {
	if st.LastSuccess.After(st.LastFailure) {
		return st.LastSuccess
	}
	return st.LastFailure
}
