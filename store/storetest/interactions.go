package storetest

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"herald/store"
)

var interactionChecks = []check{
	{"AddInteraction/idempotent, one like per actor", checkAddInteraction},
	{"AddInteraction/edited reply", checkEditedReply},
	{"AddInteraction/concurrent likes by one actor", checkConcurrentLikes},
	{"Interactions/order, limit and total", checkInteractionsOrder},
	{"InteractionCounts", checkInteractionCounts},
	{"RemoveInteractionsBy", checkRemoveInteractionsBy},
	{"AddInteraction/a post for several accounts", checkPostForSeveralAccounts},
	{"InteractionsFor", checkInteractionsFor},
}

const (
	postA = "https://herald.example/users/news/posts/a"
	postB = "https://herald.example/users/news/posts/b"
	alice = "https://remote.example/users/alice"
	bob   = "https://remote.example/users/bob"
)

// interactionOp adds an interaction or removes one (id, actor), with the
// answer it must get.
type interactionOp struct {
	add    *store.Interaction
	remove [2]string
	want   bool // isNew, or ok
}

// checkAddInteraction: likes count once per id and once per actor and
// post; only their own actor can undo them.
func checkAddInteraction(t *testing.T, b Backend) {
	like := func(id, actor, object string) *store.Interaction {
		return &store.Interaction{ID: id, Kind: store.KindLike, Actor: actor, Object: object, Received: t0}
	}
	for i, tt := range []struct {
		name  string
		ops   []interactionOp
		likes int
	}{
		{"a like", []interactionOp{{add: like("l1", alice, postA), want: true}}, 1},
		{"same id twice", []interactionOp{{add: like("l1", alice, postA), want: true}, {add: like("l1", alice, postA)}}, 1},
		{"second like by the same actor", []interactionOp{{add: like("l1", alice, postA), want: true}, {add: like("l2", alice, postA)}}, 1},
		{"likes by two actors", []interactionOp{{add: like("l1", alice, postA), want: true}, {add: like("l2", bob, postA), want: true}}, 2},
		{"undo by its actor", []interactionOp{{add: like("l1", alice, postA), want: true}, {remove: [2]string{"l1", alice}, want: true}}, 0},
		{"undo by another actor", []interactionOp{{add: like("l1", alice, postA), want: true}, {remove: [2]string{"l1", bob}}}, 1},
		{"undo of nothing", []interactionOp{{remove: [2]string{"l1", alice}}}, 0},
		{"like again after an undo", []interactionOp{{add: like("l1", alice, postA), want: true},
			{remove: [2]string{"l1", alice}, want: true}, {add: like("l2", alice, postA), want: true}}, 1},
	} {
		post := fmt.Sprintf("%s/%d", postA, i) // each case on its own post
		for k, o := range tt.ops {
			if o.add != nil {
				add := *o.add
				add.ID, add.Object = post+"#"+add.ID, post
				if isNew, err := b.AddInteraction(add); err != nil || isNew != o.want {
					t.Errorf("%s: op %d: AddInteraction = %t, %v; want %t", tt.name, k, isNew, err, o.want)
				}
				continue
			}
			if _, ok, err := b.RemoveInteraction(post+"#"+o.remove[0], o.remove[1]); err != nil || ok != o.want {
				t.Errorf("%s: op %d: RemoveInteraction = %t, %v; want %t", tt.name, k, ok, err, o.want)
			}
		}
		if _, n, err := b.Interactions(post, store.KindLike, 0); err != nil || n != tt.likes {
			t.Errorf("%s: %d likes, %v; want %d", tt.name, n, err, tt.likes)
		}
	}
	if _, err := b.AddInteraction(store.Interaction{ID: "x", Kind: store.KindLike, Actor: alice}); err == nil {
		t.Error("AddInteraction without an object succeeded")
	}
}

// checkEditedReply: a reply recorded again by its actor replaces its
// content and keeps when it was received; by another actor, or as another
// kind, it changes nothing.
func checkEditedReply(t *testing.T, b Backend) {
	r := store.Interaction{ID: "https://remote.example/notes/1", Kind: store.KindReply, Actor: alice, Object: postA,
		Content: "<p>one</p>", URL: "https://remote.example/@alice/1", Published: t0, Received: t0}
	if isNew, err := b.AddInteraction(r); err != nil || !isNew {
		t.Fatalf("AddInteraction = %t, %v", isNew, err)
	}
	edited := r
	edited.Content, edited.Published, edited.Received = "<p>two</p>", t0.Add(time.Minute), t0.Add(time.Hour)
	for _, other := range []store.Interaction{
		func() store.Interaction { e := edited; e.Actor, e.Content = bob, "evil"; return e }(),
		func() store.Interaction { e := edited; e.Kind = store.KindLike; return e }(),
		edited,
	} {
		if isNew, err := b.AddInteraction(other); err != nil || isNew {
			t.Errorf("AddInteraction(%s by %s) = %t, %v; want not new", other.Kind, other.Actor, isNew, err)
		}
	}
	want := edited
	want.Received = t0
	if got, found, err := b.Interaction(r.ID); err != nil || !found || !reflect.DeepEqual(got, want) {
		t.Errorf("Interaction = %+v, %t, %v; want %+v", got, found, err, want)
	}
	if _, found, err := b.Interaction("https://remote.example/notes/none"); err != nil || found {
		t.Errorf("Interaction of an unknown id: found %t, %v", found, err)
	}
	removed, ok, err := b.RemoveInteraction(r.ID, alice)
	if err != nil || !ok || !reflect.DeepEqual(removed, want) {
		t.Errorf("RemoveInteraction = %+v, %t, %v; want %+v", removed, ok, err, want)
	}
}

// checkConcurrentLikes: one actor's likes of one post under many ids, at
// once, make one like.
func checkConcurrentLikes(t *testing.T, b Backend) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	news := 0
	for i := range 20 {
		wg.Go(func() {
			isNew, err := b.AddInteraction(store.Interaction{ID: fmt.Sprintf("%s#like-%d", alice, i), Kind: store.KindLike, Actor: alice, Object: postA})
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if isNew {
				news++
			}
		})
	}
	wg.Wait()
	if _, n, _ := b.Interactions(postA, store.KindLike, 10); news != 1 || n != 1 {
		t.Errorf("%d likes new, %d stored; want 1 and 1", news, n)
	}
}

// addInteractions records each of is, received at t0.
func addInteractions(t *testing.T, b Backend, is ...store.Interaction) {
	t.Helper()
	for _, i := range is {
		i.Received = t0
		if _, err := b.AddInteraction(i); err != nil {
			t.Fatal(err)
		}
	}
}

// checkInteractionsOrder: a post's interactions of one kind come by id,
// up to the limit, with their total; an actor's by post, kind and id.
func checkInteractionsOrder(t *testing.T, b Backend) {
	replies := []store.Interaction{
		{ID: "https://remote.example/r/3", Kind: store.KindReply, Actor: bob, Object: postA, Content: "c"},
		{ID: "https://remote.example/r/1", Kind: store.KindReply, Actor: alice, Object: postA, Content: "a"},
		{ID: "https://remote.example/r/2", Kind: store.KindReply, Actor: alice, Object: postA, Content: "b"},
	}
	share := store.Interaction{ID: "https://remote.example/s/1", Kind: store.KindShare, Actor: alice, Object: postA}
	like := store.Interaction{ID: "https://remote.example/l/1", Kind: store.KindLike, Actor: alice, Object: postB}
	addInteractions(t, b, append(replies, share, like)...)
	ids := func(is []store.Interaction) []string {
		var out []string
		for _, i := range is {
			out = append(out, i.ID)
		}
		return out
	}
	items, total, err := b.Interactions(postA, store.KindReply, 2)
	if err != nil || total != 3 || !reflect.DeepEqual(ids(items), []string{replies[1].ID, replies[2].ID}) {
		t.Errorf("Interactions(replies, 2) = %v, %d, %v; want the first two by id of 3", ids(items), total, err)
	}
	if items, total, err := b.Interactions(postB, store.KindReply, 10); err != nil || items != nil || total != 0 {
		t.Errorf("Interactions of a post without replies = %v, %d, %v", items, total, err)
	}
	if items, total, _ := b.Interactions(postA, store.KindReply, 0); items != nil || total != 3 {
		t.Errorf("Interactions(limit 0) = %v, %d; want none of 3", items, total)
	}
	byAlice, err := b.InteractionsBy(alice)
	want := []string{replies[1].ID, replies[2].ID, share.ID, like.ID} // post A's replies, its share, post B's like
	if err != nil || !reflect.DeepEqual(ids(byAlice), want) {
		t.Errorf("InteractionsBy = %v, %v; want %v", ids(byAlice), err, want)
	}
	if byAlice[0].Content != "a" || !byAlice[0].Received.Equal(t0) {
		t.Errorf("InteractionsBy[0] = %+v", byAlice[0])
	}
	if none, err := b.InteractionsBy("https://remote.example/users/nobody"); err != nil || none != nil {
		t.Errorf("InteractionsBy(nobody) = %v, %v", none, err)
	}
}

// checkInteractionCounts counts an account's likes, boosts and replies
// across its posts, and none of another account whose handle extends it.
func checkInteractionCounts(t *testing.T, b Backend) {
	addInteractions(t, b,
		store.Interaction{ID: "l1", Kind: store.KindLike, Actor: alice, Object: postA},
		store.Interaction{ID: "l2", Kind: store.KindLike, Actor: bob, Object: postB},
		store.Interaction{ID: "s1", Kind: store.KindShare, Actor: alice, Object: postA},
		store.Interaction{ID: "r1", Kind: store.KindReply, Actor: bob, Object: postB, Content: "hi"},
		store.Interaction{ID: "l3", Kind: store.KindLike, Actor: alice, Object: "https://herald.example/users/news2/posts/a"},
	)
	const prefix = "https://herald.example/users/news/posts/"
	want := map[string]int{store.KindLike: 2, store.KindShare: 1, store.KindReply: 1}
	if got, err := b.InteractionCounts(prefix); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("counts %v, %v; want %v", got, err, want)
	}
	if _, _, err := b.RemoveInteraction("l1", alice); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.InteractionCounts(prefix); got[store.KindLike] != 1 {
		t.Errorf("after an Undo, counts %v, want 1 like", got)
	}
	if got, err := b.InteractionCounts("https://herald.example/users/nobody/posts/"); err != nil || len(got) != 0 {
		t.Errorf("counts of an account without interactions: %v, %v", got, err)
	}
}

// checkRemoveInteractionsBy: every interaction of the actor goes, and no
// one else's.
func checkRemoveInteractionsBy(t *testing.T, b Backend) {
	addInteractions(t, b,
		store.Interaction{ID: "l1", Kind: store.KindLike, Actor: alice, Object: postA},
		store.Interaction{ID: "r1", Kind: store.KindReply, Actor: alice, Object: postB, Content: "x"},
		store.Interaction{ID: "l2", Kind: store.KindLike, Actor: bob, Object: postA},
	)
	if n, err := b.RemoveInteractionsBy(alice); err != nil || n != 2 {
		t.Errorf("RemoveInteractionsBy = %d, %v; want 2", n, err)
	}
	if left, _ := b.InteractionsBy(alice); left != nil {
		t.Errorf("alice's interactions left: %+v", left)
	}
	if left, _ := b.InteractionsBy(bob); len(left) != 1 {
		t.Errorf("bob's interactions = %+v, want his like", left)
	}
	if n, err := b.RemoveInteractionsBy(alice); err != nil || n != 0 {
		t.Errorf("RemoveInteractionsBy again = %d, %v; want 0", n, err)
	}
}
