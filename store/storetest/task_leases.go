package storetest

import (
	"crypto/sha256"
	"testing"
	"time"

	"herald/store"
)

var taskChecks = []check{
	{"ClaimTask", checkClaimTask},
	{"ReleaseTask", checkReleaseTask},
	{"SeeSignature", checkSeeSignature},
	{"PruneSignatures", checkPruneSignatures},
}

// claimTask claims the task name for owner at now for a minute.
func claimTask(t *testing.T, b Backend, name, owner string, now time.Time) (store.TaskLease, string) {
	t.Helper()
	lease, from, err := b.ClaimTask(name, owner, now, now.Add(time.Minute))
	if err != nil {
		t.Fatalf("ClaimTask(%s, %s): %v", name, owner, err)
	}
	return lease, from
}

// checkClaimTask: the lease rules of checkLeaseClaims, for tasks; no
// empty names.
func checkClaimTask(t *testing.T, b Backend) {
	checkLeaseClaims(t, b.ClaimTask, "relays", "ownership")
	if _, _, err := b.ClaimTask("", "a", t0, t0.Add(time.Minute)); err == nil {
		t.Error("ClaimTask of an empty name succeeded")
	}
}

// checkReleaseTask: the holder's release frees the task for anyone at
// once (no takeover); a release by one who does not hold it changes
// nothing.
func checkReleaseTask(t *testing.T, b Backend) {
	claimTask(t, b, "history", "a", t0)
	if released, err := b.ReleaseTask("history", "b"); err != nil || released {
		t.Errorf("ReleaseTask by a non-holder = %t, %v; want false", released, err)
	}
	if lease, _ := claimTask(t, b, "history", "b", t0.Add(time.Second)); lease.Owner != "a" {
		t.Errorf("claim after a non-holder's release = %+v; want a's", lease)
	}
	if released, err := b.ReleaseTask("history", "a"); err != nil || !released {
		t.Errorf("ReleaseTask by the holder = %t, %v; want true", released, err)
	}
	if lease, from := claimTask(t, b, "history", "b", t0.Add(2*time.Second)); lease.Owner != "b" || from != "" {
		t.Errorf("claim of a released task = %+v, from %q; want b's, no takeover", lease, from)
	}
	if released, err := b.ReleaseTask("never-claimed", "a"); err != nil || released {
		t.Errorf("ReleaseTask of an unknown task = %t, %v; want false", released, err)
	}
}

// digest is the SHA-256 of a signature value.
func digest(sig string) []byte {
	h := sha256.Sum256([]byte(sig))
	return h[:]
}

// seeSignature records sig at at, valid for an hour, and returns whether
// it was seen.
func seeSignature(t *testing.T, b Backend, sig string, at time.Time) bool {
	t.Helper()
	seen, err := b.SeeSignature(digest(sig), at, at.Add(time.Hour))
	if err != nil {
		t.Fatalf("SeeSignature(%s): %v", sig, err)
	}
	return seen
}

// checkSeeSignature: a digest is new once, seen within its validity, and
// new again after it; digests of another length are refused.
func checkSeeSignature(t *testing.T, b Backend) {
	steps := []struct {
		sig      string
		at       time.Duration
		wantSeen bool
	}{
		{"sig-1", 0, false},
		{"sig-1", time.Minute, true},
		{"sig-2", time.Minute, false},
		{"sig-1", 59 * time.Minute, true},
		{"sig-1", time.Hour, false}, // its hour is over: recorded anew
		{"sig-1", time.Hour + time.Minute, true},
	}
	for _, s := range steps {
		if seen := seeSignature(t, b, s.sig, t0.Add(s.at)); seen != s.wantSeen {
			t.Errorf("SeeSignature(%s, +%s) = %t, want %t", s.sig, s.at, seen, s.wantSeen)
		}
	}
	if _, err := b.SeeSignature([]byte("short"), t0, t0.Add(time.Hour)); err == nil {
		t.Error("SeeSignature of a 5-byte digest succeeded")
	}
}

// checkPruneSignatures: expired digests go in batches, earliest first;
// valid ones stay (and are still seen).
func checkPruneSignatures(t *testing.T, b Backend) {
	for i, sig := range []string{"a", "b", "c", "d", "e"} {
		seeSignature(t, b, sig, t0.Add(time.Duration(i)*time.Minute))
	}
	at := t0.Add(time.Hour + 2*time.Minute) // a, b and c have expired
	if n, err := b.PruneSignatures(at, 2); err != nil || n != 2 {
		t.Fatalf("PruneSignatures(limit 2) = %d, %v; want 2", n, err)
	}
	if n, err := b.PruneSignatures(at, 2); err != nil || n != 1 {
		t.Fatalf("PruneSignatures again = %d, %v; want 1", n, err)
	}
	if n, err := b.PruneSignatures(at, 2); err != nil || n != 0 {
		t.Fatalf("PruneSignatures with none expired = %d, %v; want 0", n, err)
	}
	for _, sig := range []string{"d", "e"} {
		if !seeSignature(t, b, sig, at) {
			t.Errorf("%s, still valid, was pruned", sig)
		}
	}
}
