package storetest

import (
	"reflect"
	"testing"

	"herald/store"
)

// rememberRemote stores about a: follows of two accounts, a like, a reply,
// a report and its cached actor; it returns the record that ExportRemote
// must give.
func rememberRemote(t *testing.T, b Backend, a string) store.RemoteRecord {
	t.Helper()
	r := store.RemoteRecord{
		Actor:     &store.RemoteActor{ID: a, Inbox: a + "/inbox", KeyID: a + "#k", PublicKeyPEM: "PEM", FetchedAt: t0},
		Following: map[string]store.Follower{},
		Interactions: []store.Interaction{ // by post, kind and id
			{ID: a + "#l", Kind: store.KindLike, Actor: a, Object: postA, Received: t0},
			{ID: a + "/r", Kind: store.KindReply, Actor: a, Object: postB, Content: "x", Received: t0},
		},
		Flags: []store.Flag{{ID: a + "#f", Actor: a, Objects: []string{postA}, Received: t0}},
	}
	for _, handle := range []string{"news", "weather"} {
		f := store.Follower{ID: a, Inbox: a + "/inbox", FollowID: a + "#follow-" + handle, Since: t0}
		addFollower(t, b, handle, f)
		r.Following[handle] = f
	}
	for _, i := range r.Interactions {
		if _, err := b.AddInteraction(i); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.AddFlag(r.Flags[0]); err != nil {
		t.Fatal(err)
	}
	if err := b.SaveRemoteActor(*r.Actor); err != nil {
		t.Fatal(err)
	}
	return r
}

// checkEraseRemote: the export holds everything about one actor; erasing
// removes and returns all of it, and nothing about another actor.
func checkEraseRemote(t *testing.T, b Backend) {
	want := rememberRemote(t, b, alice)
	bobs := rememberRemote(t, b, bob)
	if got, err := b.ExportRemote(alice); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ExportRemote = %+v, %v; want %+v", got, err, want)
	}
	if got, err := b.EraseRemote(alice); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("EraseRemote = %+v, %v; want %+v", got, err, want)
	}
	after, err := b.ExportRemote(alice)
	if err != nil || !after.Empty() || after.Following == nil {
		t.Errorf("ExportRemote after erasing = %+v, %v; want it empty (with an empty map of follows)", after, err)
	}
	if _, found, _ := b.RemoteActorByKey(alice + "#k"); found {
		t.Error("the erased actor's key still finds it")
	}
	if n, _ := b.FollowerCount("news"); n != 1 {
		t.Errorf("FollowerCount = %d, want bob's follow left", n)
	}
	if got, err := b.ExportRemote(bob); err != nil || !reflect.DeepEqual(got, bobs) {
		t.Errorf("bob's record = %+v, %v; want it untouched", got, err)
	}
	if got, err := b.EraseRemote("https://remote.example/users/nobody"); err != nil || !got.Empty() {
		t.Errorf("EraseRemote of an unknown actor = %+v, %v", got, err)
	}
}
