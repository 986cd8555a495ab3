package delivery

import (
	"testing"
	"time"

	"herald/store"
)

var hostT0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestHostTablePerHostLimit(t *testing.T) {
	tab := newHostTable(2, nil)
	for i := range 2 {
		if !tab.acquire("a", hostT0) {
			t.Fatalf("acquire %d refused", i+1)
		}
	}
	if tab.acquire("a", hostT0) || tab.admits("a", hostT0) {
		t.Fatal("a third request to one host was admitted")
	}
	if !tab.acquire("b", hostT0) {
		t.Fatal("another host was refused")
	}
	tab.done("a", true, "", hostT0)
	if !tab.acquire("a", hostT0) {
		t.Fatal("a freed slot was not reused")
	}
}

// fail runs one failed request to host at now.
func fail(t *testing.T, tab *hostTable, host string, now time.Time) *store.HostState {
	t.Helper()
	if !tab.acquire(host, now) {
		t.Fatalf("acquire at %s refused", now)
	}
	return tab.done(host, false, "HTTP 503", now)
}

func TestHostTableBreaker(t *testing.T) {
	tab := newHostTable(8, nil)
	var st *store.HostState
	for range breakerThreshold - 1 {
		st = fail(t, tab, "a", hostT0)
	}
	if st == nil || st.State != hostFailing || !tab.admits("a", hostT0) {
		t.Fatalf("after %d failures: %+v, want failing and admitted", breakerThreshold-1, st)
	}
	st = fail(t, tab, "a", hostT0)
	if st.State != hostHeld || !st.HeldUntil.Equal(hostT0.Add(breakerCooldown)) {
		t.Fatalf("after %d failures: %+v, want held for %s", breakerThreshold, st, breakerCooldown)
	}
	if tab.admits("a", hostT0.Add(breakerCooldown-time.Second)) {
		t.Fatal("held host admitted before its cooldown passed")
	}
	probeAt := hostT0.Add(breakerCooldown)
	if !tab.acquire("a", probeAt) {
		t.Fatal("probe refused after the cooldown")
	}
	if tab.admits("a", probeAt) {
		t.Fatal("a second request admitted while the probe runs")
	}
	st = tab.done("a", false, "timeout", probeAt)
	if st.State != hostHeld || st.Cooldown != 2*breakerCooldown || st.LastError != "timeout" {
		t.Fatalf("after a failed probe: %+v, want held for twice as long", st)
	}
	recoverAt := probeAt.Add(2 * breakerCooldown)
	if !tab.acquire("a", recoverAt) {
		t.Fatal("second probe refused")
	}
	st = tab.done("a", true, "", recoverAt)
	if st == nil || st.State != hostOK || st.Failures != 0 || !st.LastSuccess.Equal(recoverAt) {
		t.Fatalf("after a good probe: %+v, want ok", st)
	}
	if st := fail(t, tab, "b", hostT0); st.State != hostFailing {
		t.Fatalf("a new host after one failure: %+v", st)
	}
	if st := tab.done("a", true, "", recoverAt); st != nil {
		t.Fatalf("success of a healthy host returned %+v, want nil (nothing to store)", st)
	}
}

func TestHostTableRestoresHeldHosts(t *testing.T) {
	saved := map[string]store.HostState{
		"a": {Host: "a", State: hostHeld, HeldUntil: hostT0.Add(time.Hour), Cooldown: time.Hour},
		"b": {Host: "b", State: hostOK},
	}
	tab := newHostTable(8, saved)
	if tab.admits("a", hostT0) {
		t.Error("held host admitted after restart")
	}
	if !tab.admits("b", hostT0) || !tab.admits("a", hostT0.Add(time.Hour)) {
		t.Error("healthy host or expired hold refused")
	}
}

// TestHostTableMerge: states another replica stored replace older ones:
// a host held there is held here, one that recovered there recovers here;
// an older stored state changes nothing.
func TestHostTableMerge(t *testing.T) {
	tab := newHostTable(8, nil)
	fail(t, tab, "mine", hostT0.Add(time.Minute)) // failing here, since a minute
	tab.merge(map[string]store.HostState{
		"held": {Host: "held", State: hostHeld, Failures: 5, LastFailure: hostT0, HeldUntil: hostT0.Add(time.Hour)},
		"mine": {Host: "mine", State: hostHeld, Failures: 9, LastFailure: hostT0, HeldUntil: hostT0.Add(time.Hour)},
		"fine": {Host: "fine", State: hostOK, LastSuccess: hostT0},
	})
	if tab.admits("held", hostT0.Add(time.Minute)) {
		t.Error("a host another replica holds back was admitted")
	}
	if !tab.admits("mine", hostT0.Add(time.Minute)) || !tab.admits("fine", hostT0) {
		t.Error("an older stored state or a healthy host changed this table")
	}
	tab.merge(map[string]store.HostState{
		"held": {Host: "held", State: hostOK, LastFailure: hostT0, LastSuccess: hostT0.Add(2 * time.Minute)},
	})
	if !tab.admits("held", hostT0.Add(2*time.Minute)) {
		t.Error("a host that recovered at another replica is still held back")
	}
	if n := len(tab.hosts); n != 1 {
		t.Errorf("%d hosts in the table, want 1 (the failing one): healthy idle hosts are dropped", n)
	}
}
