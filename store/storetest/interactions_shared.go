package storetest

import (
	"slices"
	"testing"
	"time"

	"herald/store"
)

// checkPostForSeveralAccounts: a post for two accounts (a reply to one's
// post that mentions the other) is recorded for each under one id, each
// once; an edit replaces both; another actor cannot claim the id for a
// third object; a like cannot share a post's id; the Delete of the post
// removes it from both, and the records of a dump keep both apart.
func checkPostForSeveralAccounts(t *testing.T, b Backend) {
	weather := "https://herald.example/users/weather"
	reply := store.Interaction{ID: "https://remote.example/notes/7", Kind: store.KindReply, Actor: alice, Object: postA,
		Content: "a", Visibility: store.VisibilityPublic, Received: t0}
	mention := reply
	mention.Kind, mention.Object = store.KindMention, weather
	for k, op := range []struct {
		add  store.Interaction
		want bool
	}{
		{reply, true}, {mention, true}, {reply, false}, {mention, false},
		{store.Interaction{ID: reply.ID, Kind: store.KindMention, Actor: bob, Object: "https://herald.example/users/other", Received: t0}, false},
		{store.Interaction{ID: reply.ID, Kind: store.KindLike, Actor: alice, Object: postB, Received: t0}, false},
	} {
		if isNew, err := b.AddInteraction(op.add); err != nil || isNew != op.want {
			t.Errorf("op %d (%s on %s by %s): AddInteraction = %t, %v; want %t", k, op.add.Kind, op.add.Object, op.add.Actor, isNew, err, op.want)
		}
	}
	edited := mention
	edited.Content, edited.Received = "b", t0.Add(time.Hour)
	if _, err := b.AddInteraction(edited); err != nil {
		t.Fatal(err)
	}
	replies, _, err := b.Interactions(postA, store.KindReply, 10)
	mentions, _, err2 := b.Interactions(weather, store.KindMention, 10)
	if err != nil || err2 != nil || len(replies) != 1 || len(mentions) != 1 || replies[0].Content != "a" || mentions[0].Content != "b" ||
		!mentions[0].Received.Equal(t0) {
		t.Fatalf("the reply %+v and the mention %+v (%v, %v); want one each, the mention edited, received at t0", replies, mentions, err, err2)
	}
	if got, found, err := b.Interaction(reply.ID); err != nil || !found || got.ID != reply.ID || got.Actor != alice {
		t.Errorf("Interaction = %+v, %t, %v", got, found, err)
	}
	checkDumpKeepsBoth(t, b, reply.ID)
	if _, ok, err := b.RemoveInteraction(reply.ID, bob); err != nil || ok {
		t.Errorf("RemoveInteraction by another actor = %t, %v", ok, err)
	}
	if _, ok, err := b.RemoveInteraction(reply.ID, alice); err != nil || !ok {
		t.Fatalf("RemoveInteraction = %t, %v", ok, err)
	}
	_, n, _ := b.Interactions(postA, store.KindReply, 0)
	_, m, _ := b.Interactions(weather, store.KindMention, 0)
	if _, found, _ := b.Interaction(reply.ID); found || n != 0 || m != 0 {
		t.Errorf("after the Delete: found %t, %d replies, %d mentions", found, n, m)
	}
	if isNew, err := b.AddInteraction(mention); err != nil || !isNew {
		t.Errorf("recorded again after the Delete: %t, %v", isNew, err)
	}
}

// checkDumpKeepsBoth: the dump has a record for each object of the post
// id, under keys of their own.
func checkDumpKeepsBoth(t *testing.T, b Backend, id string) {
	t.Helper()
	dumper, ok := b.(interface {
		Dump(fn func(store.Record) error) error
	})
	if !ok {
		return // a backend without a dump
	}
	keys := map[string]bool{}
	err := dumper.Dump(func(r store.Record) error {
		if i, ok := r.Value.(store.Interaction); ok && r.Kind == store.RecordInteraction && i.ID == id {
			keys[store.RecordKey(r)] = true
		}
		return nil
	})
	if err != nil || len(keys) != 2 {
		t.Errorf("dump: %d records of %s under their own keys (%v); want 2", len(keys), id, err)
	}
}

// interactionsForCases page through the interactions for news: bounds
// are strict, ties keep id order, other accounts' and timeless ones are
// left out.
var interactionsForCases = []struct {
	name          string
	after, before time.Duration // from t0; -1 is no bound
	newestFirst   bool
	limit         int
	want          []string
}{
	{"all, newest first", -1, -1, true, 10, []string{"m3", "r2", "l1b", "l1a", "l0"}},
	{"all, oldest first", -1, -1, false, 10, []string{"l0", "l1a", "l1b", "r2", "m3"}},
	{"limit", -1, -1, true, 2, []string{"m3", "r2"}},
	{"before is strict", -1, 2 * time.Second, true, 10, []string{"l1b", "l1a", "l0"}},
	{"after is strict", time.Second, -1, false, 10, []string{"r2", "m3"}},
	{"between", 0, 3 * time.Second, false, 10, []string{"l1a", "l1b", "r2"}},
	{"a tie cut by the limit", 0, -1, false, 1, []string{"l1a"}},
}

// checkInteractionsFor: an account's likes, boosts, replies on its posts
// and mentions of it, by time received.
func checkInteractionsFor(t *testing.T, b Backend) {
	news, weather := "https://herald.example/users/news", "https://herald.example/users/weather"
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	for _, i := range []store.Interaction{
		{ID: "l0", Kind: store.KindLike, Actor: alice, Object: postA, Received: at(0)},
		{ID: "l1b", Kind: store.KindLike, Actor: bob, Object: postB, Received: at(1)},
		{ID: "l1a", Kind: store.KindShare, Actor: alice, Object: postB, Received: at(1)},
		{ID: "r2", Kind: store.KindReply, Actor: bob, Object: postA, Content: "x", Received: at(2)},
		{ID: "m3", Kind: store.KindMention, Actor: alice, Object: news, Content: "y", Received: at(3)},
		{ID: "w", Kind: store.KindMention, Actor: alice, Object: weather, Content: "z", Received: at(2)},
		{ID: "timeless", Kind: store.KindLike, Actor: bob, Object: postA + "x"},
	} {
		if _, err := b.AddInteraction(i); err != nil {
			t.Fatal(err)
		}
	}
	bound := func(d time.Duration) time.Time {
		if d < 0 {
			return time.Time{}
		}
		return t0.Add(d)
	}
	for _, tt := range interactionsForCases {
		got, err := b.InteractionsFor(news, bound(tt.after), bound(tt.before), tt.newestFirst, tt.limit)
		var ids []string
		for _, i := range got {
			ids = append(ids, i.ID)
		}
		if err != nil || !slices.Equal(ids, tt.want) {
			t.Errorf("%s: %v, %v; want %v", tt.name, ids, err, tt.want)
		}
	}
	if _, err := b.RemoveInteractionsBy(bob); err != nil {
		t.Fatal(err)
	}
	if got, err := b.InteractionsFor(news, time.Time{}, time.Time{}, true, 10); err != nil || len(got) != 3 {
		t.Errorf("after erasing bob's: %d, %v; want 3", len(got), err)
	}
}
