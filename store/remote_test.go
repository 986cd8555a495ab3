package store

import (
	"reflect"
	"testing"
)

// remoteLookup is one lookup of a remote actor, by id or by key id, and
// the actor it must find (nil: none).
type remoteLookup struct {
	byKey bool
	id    string
	want  *RemoteActor
}

func TestRemoteActor(t *testing.T) {
	db := openTestDB(t)
	a := RemoteActor{
		ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox",
		KeyID: "https://a.example/u/1#main-key", PublicKeyPEM: "PEM1", FetchedAt: t0,
	}
	if _, found, err := db.RemoteActor(a.ID); err != nil || found {
		t.Errorf("RemoteActor before saving: found %t, %v", found, err)
	}
	if err := db.SaveRemoteActor(a); err != nil {
		t.Fatal(err)
	}
	rotated := a
	rotated.KeyID, rotated.PublicKeyPEM = "https://a.example/u/1#key-2", "PEM2"
	takeover := RemoteActor{ID: "https://a.example/u/2", Inbox: "https://a.example/u/2/inbox", KeyID: a.KeyID, PublicKeyPEM: "PEM1"}
	keyless := RemoteActor{ID: "https://b.example/u/1", Inbox: "https://b.example/u/1/inbox"}

	tests := []struct {
		name    string
		save    []RemoteActor
		lookups []remoteLookup
	}{
		{"saved", nil, []remoteLookup{
			{false, a.ID, &a}, {true, a.KeyID, &a},
			{false, "https://a.example/nobody", nil}, {true, "https://a.example/nobody#key", nil},
		}},
		{"key change removes the old key", []RemoteActor{rotated}, []remoteLookup{
			{false, a.ID, &rotated}, {true, rotated.KeyID, &rotated}, {true, a.KeyID, nil},
		}},
		{"saving again is idempotent", []RemoteActor{rotated, rotated}, []remoteLookup{
			{false, a.ID, &rotated}, {true, rotated.KeyID, &rotated},
		}},
		{"another actor takes the old key over", []RemoteActor{a, takeover, rotated}, []remoteLookup{
			{true, a.KeyID, &takeover}, {true, rotated.KeyID, &rotated}, {false, a.ID, &rotated},
		}},
		{"actor without a key", []RemoteActor{keyless}, []remoteLookup{
			{false, keyless.ID, &keyless}, {true, "", nil},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range tt.save {
				if err := db.SaveRemoteActor(s); err != nil {
					t.Fatalf("SaveRemoteActor(%s): %v", s.ID, err)
				}
			}
			checkRemoteLookups(t, db, tt.lookups)
		})
	}
}

// checkRemoteLookups runs each lookup on db and checks what it finds.
func checkRemoteLookups(t *testing.T, db *testDB, lookups []remoteLookup) {
	t.Helper()
	for _, l := range lookups {
		get := db.RemoteActor
		if l.byKey {
			get = db.RemoteActorByKey
		}
		got, found, err := get(l.id)
		if err != nil || found != (l.want != nil) {
			t.Errorf("lookup %q (by key %t): found %t, %v; want %t", l.id, l.byKey, found, err, l.want != nil)
			continue
		}
		if l.want != nil && !reflect.DeepEqual(got, *l.want) {
			t.Errorf("lookup %q (by key %t) = %+v, want %+v", l.id, l.byKey, got, *l.want)
		}
	}
}
