package store

import (
	"testing"
)

const (
	postA = "https://herald.example/users/news/posts/a"
	postB = "https://herald.example/users/news/posts/b"
	alice = "https://remote.example/users/alice"
	bob   = "https://remote.example/users/bob"
)

func TestInteractions(t *testing.T) {
	type op struct {
		add    *Interaction
		remove [2]string // id, actor
		isNew  bool
		ok     bool
	}
	like := func(id, actor, object string) *Interaction {
		return &Interaction{ID: id, Kind: KindLike, Actor: actor, Object: object, Received: t0}
	}
	reply := func(id, actor, content string) *Interaction {
		return &Interaction{ID: id, Kind: KindReply, Actor: actor, Object: postA, Content: content, Received: t0}
	}
	tests := []struct {
		name           string
		ops            []op
		likes, replies int
		wantContent    string
	}{
		{name: "a like", ops: []op{{add: like("l1", alice, postA), isNew: true}}, likes: 1},
		{name: "same id twice", ops: []op{{add: like("l1", alice, postA), isNew: true}, {add: like("l1", alice, postA)}}, likes: 1},
		{name: "second like by the same actor", ops: []op{{add: like("l1", alice, postA), isNew: true}, {add: like("l2", alice, postA)}}, likes: 1},
		{name: "likes by two actors", ops: []op{{add: like("l1", alice, postA), isNew: true}, {add: like("l2", bob, postA), isNew: true}}, likes: 2},
		{name: "like of another post", ops: []op{{add: like("l1", alice, postB), isNew: true}}, likes: 0},
		{name: "undo by its actor", ops: []op{{add: like("l1", alice, postA), isNew: true}, {remove: [2]string{"l1", alice}, ok: true}}, likes: 0},
		{name: "undo by another actor", ops: []op{{add: like("l1", alice, postA), isNew: true}, {remove: [2]string{"l1", bob}}}, likes: 1},
		{name: "undo of nothing", ops: []op{{remove: [2]string{"l1", alice}}}, likes: 0},
		{name: "edited reply", ops: []op{{add: reply("r1", alice, "one"), isNew: true}, {add: reply("r1", alice, "two")}}, replies: 1, wantContent: "two"},
		{name: "reply id taken over by another actor", ops: []op{{add: reply("r1", alice, "one"), isNew: true}, {add: reply("r1", bob, "evil")}}, replies: 1, wantContent: "one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t)
			for i, o := range tt.ops {
				if o.add != nil {
					isNew, err := db.AddInteraction(*o.add)
					if err != nil || isNew != o.isNew {
						t.Fatalf("op %d: AddInteraction = %v, %v; want %v", i, isNew, err, o.isNew)
					}
					continue
				}
				_, ok, err := db.RemoveInteraction(o.remove[0], o.remove[1])
				if err != nil || ok != o.ok {
					t.Fatalf("op %d: RemoveInteraction = %v, %v; want %v", i, ok, err, o.ok)
				}
			}
			if _, n, _ := db.Interactions(postA, KindLike, 0); n != tt.likes {
				t.Errorf("%d likes, want %d", n, tt.likes)
			}
			items, n, _ := db.Interactions(postA, KindReply, 10)
			if n != tt.replies || (tt.wantContent != "" && items[0].Content != tt.wantContent) {
				t.Errorf("replies %+v, want %d with %q", items, tt.replies, tt.wantContent)
			}
		})
	}
}

// TestEraseRemote: everything about one actor goes, nothing about another.
// TestInteractionCounts counts an account's likes, boosts and replies
// across its posts, and none of another account whose handle extends it.
func TestInteractionCounts(t *testing.T) {
	db := openTestDB(t)
	for _, i := range []Interaction{
		{ID: "l1", Kind: KindLike, Actor: alice, Object: postA},
		{ID: "l2", Kind: KindLike, Actor: bob, Object: postB},
		{ID: "s1", Kind: KindShare, Actor: alice, Object: postA},
		{ID: "r1", Kind: KindReply, Actor: bob, Object: postB, Content: "hi"},
		{ID: "l3", Kind: KindLike, Actor: alice, Object: "https://herald.example/users/news2/posts/a"},
	} {
		i.Received = t0
		if _, err := db.AddInteraction(i); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.InteractionCounts("https://herald.example/users/news/posts/")
	if err != nil {
		t.Fatal(err)
	}
	if got[KindLike] != 2 || got[KindShare] != 1 || got[KindReply] != 1 || len(got) != 3 {
		t.Fatalf("counts %v, want 2 likes, 1 share, 1 reply", got)
	}
	if _, _, err := db.RemoveInteraction("l1", alice); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.InteractionCounts("https://herald.example/users/news/posts/"); got[KindLike] != 1 {
		t.Fatalf("after an Undo, counts %v, want 1 like", got)
	}
	if got, _ := db.InteractionCounts("https://herald.example/users/nobody/posts/"); len(got) != 0 {
		t.Fatalf("counts of an account without interactions: %v", got)
	}
}

func TestEraseRemote(t *testing.T) {
	db := openTestDB(t)
	for _, a := range []string{alice, bob} {
		if _, err := db.AddFollower("news", Follower{ID: a, Inbox: a + "/inbox", Since: t0}, Document{ID: a + "/accept", JSON: []byte("{}")}, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddInteraction(Interaction{ID: a + "#l", Kind: KindLike, Actor: a, Object: postA}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddInteraction(Interaction{ID: a + "/r", Kind: KindReply, Actor: a, Object: postB, Content: "x"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddFlag(Flag{ID: a + "#f", Actor: a, Objects: []string{postA}}); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveRemoteActor(RemoteActor{ID: a, Inbox: a + "/inbox", KeyID: a + "#k", FetchedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	before, err := db.ExportRemote(alice)
	if err != nil || before.Actor == nil || len(before.Following) != 1 || len(before.Interactions) != 2 || len(before.Flags) != 1 {
		t.Fatalf("export before: %+v %v", before, err)
	}
	if _, err := db.EraseRemote(alice); err != nil {
		t.Fatal(err)
	}
	if after, _ := db.ExportRemote(alice); !after.Empty() {
		t.Fatalf("after erase: %+v", after)
	}
	if _, found, _ := db.RemoteActorByKey(alice + "#k"); found {
		t.Fatal("key index kept")
	}
	if other, _ := db.ExportRemote(bob); other.Actor == nil || len(other.Following) != 1 || len(other.Interactions) != 2 || len(other.Flags) != 1 {
		t.Fatalf("bob's data touched: %+v", other)
	}
}

func TestMoveFollower(t *testing.T) {
	db := openTestDB(t)
	if _, err := db.AddFollower("news", Follower{ID: alice, Inbox: alice + "/inbox", Since: t0}, Document{ID: "acc", JSON: []byte("{}")}, t0); err != nil {
		t.Fatal(err)
	}
	moved, err := db.MoveFollower("news", alice, Follower{ID: bob, Inbox: bob + "/inbox"})
	if err != nil || !moved {
		t.Fatalf("MoveFollower = %v, %v", moved, err)
	}
	fs, _ := db.Followers("news")
	if len(fs) != 1 || fs[0].ID != bob || !fs[0].Since.Equal(t0) {
		t.Fatalf("followers %+v", fs)
	}
	if moved, _ := db.MoveFollower("news", alice, Follower{ID: bob}); moved {
		t.Fatal("moved a non-follower")
	}
}
