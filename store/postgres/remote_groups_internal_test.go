package postgres

import (
	"context"
	"testing"

	"herald/pgtest"
	"herald/store"
)

// TestCommitActorsGroup commits one group of remote actors by hand: an
// actor saved twice (the later copy wins), two actors naming one key (the
// later one owns it), an actor rotating its key while another takes the
// old one over, and one actor without an id, which fails alone while the
// others are cached.
func TestCommitActorsGroup(t *testing.T) {
	s, err := Open(context.Background(), pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	x := store.RemoteActor{ID: "https://x.example/u", Inbox: "https://x.example/u/inbox", KeyID: "https://x.example/u#k1"}
	if err := s.SaveRemoteActor(x); err != nil {
		t.Fatal(err)
	}
	rotated := x
	rotated.KeyID = "https://x.example/u#k2"
	takeover := store.RemoteActor{ID: "https://y.example/u", Inbox: "https://y.example/u/inbox", KeyID: x.KeyID}
	a1 := store.RemoteActor{ID: "https://a.example/u", Inbox: "https://a.example/u/inbox", KeyID: "https://a.example/k", Name: "first"}
	a2 := a1
	a2.Name = "second"
	b := store.RemoteActor{ID: "https://b.example/u", Inbox: "https://b.example/u/inbox", KeyID: "https://a.example/k"}
	bad := store.RemoteActor{Inbox: "https://bad.example/inbox"}
	actors := []store.RemoteActor{takeover, rotated, a1, a2, b, bad}
	group := make([]actorRequest, len(actors))
	for i, a := range actors {
		group[i] = actorRequest{a: a, done: make(chan error, 1)}
	}
	s.commitActors(group)
	for i, r := range group {
		if err := <-r.done; (err != nil) != (actors[i].ID == "") {
			t.Errorf("actor %q: %v", actors[i].ID, err)
		}
	}
	for key, want := range map[string]store.RemoteActor{x.KeyID: takeover, rotated.KeyID: rotated, a1.KeyID: b} {
		if got, found, err := s.RemoteActorByKey(key); err != nil || !found || got.ID != want.ID {
			t.Errorf("key %s: %s, found %t, %v; want %s", key, got.ID, found, err, want.ID)
		}
	}
	if got, _, err := s.RemoteActor(a1.ID); err != nil || got.Name != "second" {
		t.Errorf("actor saved twice: %+v, %v; want the second copy", got, err)
	}
}
