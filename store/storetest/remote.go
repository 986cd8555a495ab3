package storetest

import (
	"reflect"
	"testing"

	"herald/store"
)

var remoteChecks = []check{
	{"RemoteActor/cache and key index", checkRemoteActor},
	{"RemoteActor/saved at once", checkRemoteActorsConcurrent},
	{"Flags", checkFlags},
	{"ExportRemote and EraseRemote", checkEraseRemote},
}

// remoteLookup is one lookup of a remote actor, by id or by key id, and
// the actor it must find (nil: none).
type remoteLookup struct {
	byKey bool
	id    string
	want  *store.RemoteActor
}

// checkRemoteActor: an actor is found by id and by its current key; a key
// it no longer has finds nothing, unless another actor took it over.
func checkRemoteActor(t *testing.T, b Backend) {
	a := store.RemoteActor{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox",
		KeyID: "https://a.example/u/1#main-key", PublicKeyPEM: "PEM1", FetchedAt: t0, Username: "ann", Name: "Ann Example",
		Icon: "https://a.example/ann.png", URL: "https://a.example/@ann", Followers: "https://a.example/u/1/followers"}
	if _, found, err := b.RemoteActor(a.ID); err != nil || found {
		t.Errorf("RemoteActor before saving: found %t, %v", found, err)
	}
	rotated := a
	rotated.KeyID, rotated.PublicKeyPEM, rotated.Name = "https://a.example/u/1#key-2", "PEM2", "Ann"
	takeover := store.RemoteActor{ID: "https://a.example/u/2", Inbox: "https://a.example/u/2/inbox", KeyID: a.KeyID, PublicKeyPEM: "PEM1"}
	keyless := store.RemoteActor{ID: "https://b.example/u/1", Inbox: "https://b.example/u/1/inbox"}
	for _, step := range []struct {
		name    string
		save    []store.RemoteActor
		lookups []remoteLookup
	}{
		{"saved", []store.RemoteActor{a}, []remoteLookup{
			{false, a.ID, &a}, {true, a.KeyID, &a},
			{false, "https://a.example/nobody", nil}, {true, "https://a.example/nobody#key", nil},
		}},
		{"key change removes the old key", []store.RemoteActor{rotated}, []remoteLookup{
			{false, a.ID, &rotated}, {true, rotated.KeyID, &rotated}, {true, a.KeyID, nil},
		}},
		{"saving again is idempotent", []store.RemoteActor{rotated, rotated}, []remoteLookup{
			{false, a.ID, &rotated}, {true, rotated.KeyID, &rotated},
		}},
		{"another actor takes the old key over", []store.RemoteActor{a, takeover, rotated}, []remoteLookup{
			{true, a.KeyID, &takeover}, {true, rotated.KeyID, &rotated}, {false, a.ID, &rotated},
		}},
		{"actor without a key", []store.RemoteActor{keyless}, []remoteLookup{
			{false, keyless.ID, &keyless}, {true, "", nil},
		}},
	} {
		for _, s := range step.save {
			if err := b.SaveRemoteActor(s); err != nil {
				t.Fatalf("%s: SaveRemoteActor(%s): %v", step.name, s.ID, err)
			}
		}
		checkRemoteLookups(t, b, step.name, step.lookups)
	}
}

// checkRemoteLookups runs each lookup on b and checks what it finds.
func checkRemoteLookups(t *testing.T, b Backend, step string, lookups []remoteLookup) {
	t.Helper()
	for _, l := range lookups {
		get := b.RemoteActor
		if l.byKey {
			get = b.RemoteActorByKey
		}
		got, found, err := get(l.id)
		if err != nil || found != (l.want != nil) {
			t.Errorf("%s: lookup %q (by key %t): found %t, %v; want %t", step, l.id, l.byKey, found, err, l.want != nil)
			continue
		}
		if l.want != nil && !reflect.DeepEqual(got, *l.want) {
			t.Errorf("%s: lookup %q (by key %t) = %+v, want %+v", step, l.id, l.byKey, got, *l.want)
		}
	}
}

// checkFlags: reports are kept once per id, listed by id, and removed by
// their sender.
func checkFlags(t *testing.T, b Backend) {
	if flags, err := b.Flags(); err != nil || flags != nil {
		t.Errorf("Flags of an empty store = %+v, %v", flags, err)
	}
	f2 := store.Flag{ID: "https://b.example/flags/2", Actor: bob, Objects: []string{postA, "https://herald.example/users/news"}, Content: "spam", Received: t0}
	f1 := store.Flag{ID: "https://a.example/flags/1", Actor: alice, Objects: []string{postB}, Received: t0}
	f3 := store.Flag{ID: "https://a.example/flags/3", Actor: alice}
	for _, f := range []store.Flag{f2, f1, f3} {
		if isNew, err := b.AddFlag(f); err != nil || !isNew {
			t.Errorf("AddFlag(%s) = %t, %v", f.ID, isNew, err)
		}
	}
	again := f2
	again.Content = "changed"
	if isNew, err := b.AddFlag(again); err != nil || isNew {
		t.Errorf("AddFlag of a known id = %t, %v; want not new", isNew, err)
	}
	if flags, err := b.Flags(); err != nil || !reflect.DeepEqual(flags, []store.Flag{f1, f3, f2}) {
		t.Errorf("Flags = %+v, %v; want %+v", flags, err, []store.Flag{f1, f3, f2})
	}
	if n, err := b.RemoveFlagsBy(alice); err != nil || n != 2 {
		t.Errorf("RemoveFlagsBy = %d, %v; want 2", n, err)
	}
	if flags, _ := b.Flags(); !reflect.DeepEqual(flags, []store.Flag{f2}) {
		t.Errorf("Flags after removal = %+v", flags)
	}
}
