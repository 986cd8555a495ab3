package inbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"herald/config"
)

func TestVerifyQueue(t *testing.T) {
	q := newVerifyQueue(1, 2, 2) // 1 slot, 3 admitted at most, 2 per client
	leaveA1, err := q.admit("a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.admit("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := q.admit("a"); !errors.Is(err, errQueueFull) {
		t.Fatalf("third from one client: %v, want errQueueFull", err)
	}
	if _, err := q.admit("b"); err != nil {
		t.Fatalf("another client: %v", err)
	}
	if _, err := q.admit("c"); !errors.Is(err, errQueueFull) {
		t.Fatalf("fourth in all: %v, want errQueueFull", err)
	}
	leaveA1()
	leaveC, err := q.admit("c")
	if err != nil {
		t.Fatalf("after one left: %v", err)
	}
	leaveC()
	if n := len(q.clients); n != 2 {
		t.Fatalf("%d clients tracked, want 2 (a and b)", n)
	}

	// One verifies at a time; a second waits until its context ends.
	release, err := q.slot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := q.slot(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second slot: %v, want DeadlineExceeded", err)
	}
	release()
	release2, err := q.slot(context.Background())
	if err != nil {
		t.Fatalf("slot after release: %v", err)
	}
	release2()
}

func TestGuardBlocked(t *testing.T) {
	g := newGuard(config.Inbox{BlockedDomains: []string{"bad.example"}, BlockedActors: []string{"https://ok.example/users/troll"}})
	for id, want := range map[string]bool{
		"https://bad.example/users/a#main-key":    true,
		"https://sub.bad.example/users/a":         true,
		"https://notbad.example/users/a":          false,
		"https://ok.example/users/troll#main-key": true,
		"https://ok.example/users/troll":          true,
		"https://ok.example/users/friend":         false,
		"not a url":                               false,
	} {
		if got := g.blocked(id); got != want {
			t.Errorf("blocked(%q) = %v, want %v", id, got, want)
		}
	}
}
