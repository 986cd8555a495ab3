package storetest

import (
	"fmt"
	"sync"
	"testing"

	"herald/store"
)

// checkRemoteActorsConcurrent: actors saved at once (as a burst of
// Follows from new servers saves them, and may share a commit) are all
// cached and found by key; one that cannot be cached (no id) fails alone;
// an actor rotating its key while another takes the old key over ends
// the same in either order: each key finds its new owner.
func checkRemoteActorsConcurrent(t *testing.T, b Backend) {
	x := store.RemoteActor{ID: "https://x.example/u", Inbox: "https://x.example/u/inbox", KeyID: "https://x.example/u#k1", PublicKeyPEM: "PEM1"}
	if err := b.SaveRemoteActor(x); err != nil {
		t.Fatal(err)
	}
	rotated := x
	rotated.KeyID, rotated.PublicKeyPEM = "https://x.example/u#k2", "PEM2"
	takeover := store.RemoteActor{ID: "https://y.example/u", Inbox: "https://y.example/u/inbox", KeyID: x.KeyID, PublicKeyPEM: "PEM1"}
	actors := []store.RemoteActor{rotated, takeover, {Inbox: "https://nobody.example/inbox", KeyID: "https://nobody.example/k"}}
	for i := range 20 {
		id := fmt.Sprintf("https://a%d.example/u", i)
		actors = append(actors, store.RemoteActor{ID: id, Inbox: id + "/inbox", KeyID: id + "#main-key", PublicKeyPEM: "PEM", FetchedAt: t0})
	}
	errs := make([]error, len(actors))
	var wg sync.WaitGroup
	for i, a := range actors {
		wg.Go(func() { errs[i] = b.SaveRemoteActor(a) })
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (actors[i].ID == "") {
			t.Errorf("SaveRemoteActor(%q): %v", actors[i].ID, err)
		}
	}
	lookups := []remoteLookup{{true, x.KeyID, &takeover}, {true, rotated.KeyID, &rotated}, {true, "https://nobody.example/k", nil}}
	for _, a := range actors[3:] {
		lookups = append(lookups, remoteLookup{false, a.ID, &a}, remoteLookup{true, a.KeyID, &a})
	}
	checkRemoteLookups(t, b, "saved at once", lookups)
}
