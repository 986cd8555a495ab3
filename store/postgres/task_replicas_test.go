package postgres_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"herald/pgtest"
	"herald/store/postgres"
)

// TestClaimTaskReplicas: two processes claiming one task at once, many
// times over: exactly one gets each round's lease; when its lease ends,
// the other takes it over, naming it; its release frees it at once.
func TestClaimTaskReplicas(t *testing.T) {
	replicas := openReplicas(t)
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for round := range 20 {
		name := fmt.Sprintf("task-%d", round)
		var won atomic.Int32
		var wg sync.WaitGroup
		for i, r := range replicas {
			wg.Go(func() {
				owner := fmt.Sprintf("replica-%d", i)
				lease, _, err := r.ClaimTask(name, owner, t0, t0.Add(time.Minute))
				if err != nil {
					t.Errorf("ClaimTask: %v", err)
				}
				if lease.Owner == owner {
					won.Add(1)
				}
			})
		}
		wg.Wait()
		if n := won.Load(); n != 1 {
			t.Fatalf("round %d: %d replicas hold the lease, want 1", round, n)
		}
	}
	lease, _, _ := replicas[0].ClaimTask("task-0", "replica-0", t0, t0.Add(time.Minute))
	holder, other := lease.Owner, map[string]string{"replica-0": "replica-1", "replica-1": "replica-0"}[lease.Owner]
	later := t0.Add(2 * time.Minute)
	if lease, from, err := replicas[1].ClaimTask("task-0", other, later, later.Add(time.Minute)); err != nil || lease.Owner != other || from != holder {
		t.Errorf("takeover after the lease ended = %+v, from %q, %v; want %s's, from %s", lease, from, err, other, holder)
	}
	if released, err := replicas[0].ReleaseTask("task-0", other); err != nil || !released {
		t.Errorf("ReleaseTask = %t, %v", released, err)
	}
	if lease, from, err := replicas[1].ClaimTask("task-0", holder, later, later.Add(time.Minute)); err != nil || lease.Owner != holder || from != "" {
		t.Errorf("claim after the release = %+v, from %q, %v; want %s's, no takeover", lease, from, err, holder)
	}
}

// TestSeeSignatureReplicas: of two processes that record the same
// signatures at once, exactly one finds each new.
func TestSeeSignatureReplicas(t *testing.T) {
	replicas := openReplicas(t)
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	const signatures = 200
	var fresh atomic.Int32
	var wg sync.WaitGroup
	for _, r := range replicas {
		wg.Go(func() {
			for i := range signatures {
				d := sha256.Sum256(fmt.Appendf(nil, "sig-%d", i))
				seen, err := r.SeeSignature(d[:], t0, t0.Add(time.Hour))
				if err != nil {
					t.Errorf("SeeSignature: %v", err)
					return
				}
				if !seen {
					fresh.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := fresh.Load(); n != signatures {
		t.Errorf("%d signatures found new, want %d (each once)", n, signatures)
	}
}

// BenchmarkSeeSignature measures the inbox's added cost per verified
// request on PostgreSQL: recording one new signature digest.
func BenchmarkSeeSignature(b *testing.B) {
	st, err := postgres.Open(context.Background(), pgtest.Database(b))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	i := 0
	for b.Loop() {
		d := sha256.Sum256(fmt.Appendf(nil, "sig-%d", i))
		i++
		if seen, err := st.SeeSignature(d[:], now, now.Add(time.Hour)); err != nil || seen {
			b.Fatalf("SeeSignature = %t, %v", seen, err)
		}
	}
}
