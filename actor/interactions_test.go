package actor

import (
	"encoding/json"
	"testing"
)

// TestInteractionCollectionsGolden compares the likes, shares and replies
// collections of a post with testdata/golden (rewrite with -update).
func TestInteractionCollectionsGolden(t *testing.T) {
	u := URLs{Base: testBase}
	post := u.Object(testHandle, "https://example.org/?p=1")
	likes, err := CountCollection(u.Likes(post), 3)
	if err != nil {
		t.Fatal(err)
	}
	shares, err := CountCollection(u.Shares(post), 0)
	if err != nil {
		t.Fatal(err)
	}
	replies, err := RepliesCollection(u.Replies(post), 2, []string{testAlice + "/statuses/1", "https://other.example/notes/9x\"y"})
	if err != nil {
		t.Fatal(err)
	}
	repliesPage, err := RepliesPage(u.Replies(post), []string{testAlice + "/statuses/1", "https://other.example/notes/9x\"y"})
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string][]byte{"likes": likes, "shares": shares, "replies": replies, "replies_page": repliesPage} {
		t.Run(name, func(t *testing.T) { checkGolden(t, "interactions_"+name, doc) })
	}
}

// TestRepliesCollectionBounded: at most MaxListedReplies ids are listed,
// totalItems is the real count.
func TestRepliesCollectionBounded(t *testing.T) {
	ids := make([]string, MaxListedReplies+50)
	for i := range ids {
		ids[i] = testAlice + "/statuses/" + string(rune('a'+i%26))
	}
	doc, err := RepliesCollection("https://h.example/users/news/posts/x/replies", 1000, ids)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		TotalItems   int      `json:"totalItems"`
		OrderedItems []string `json:"orderedItems"`
	}
	if err := json.Unmarshal(doc, &c); err != nil || c.TotalItems != 1000 || len(c.OrderedItems) != MaxListedReplies {
		t.Fatalf("%+v %v", c, err)
	}
	doc, err = RepliesPage("https://h.example/users/news/posts/x/replies", ids)
	if err != nil {
		t.Fatal(err)
	}
	c.OrderedItems = nil
	if err := json.Unmarshal(doc, &c); err != nil || len(c.OrderedItems) != MaxListedReplies {
		t.Fatalf("page: %+v %v", c, err)
	}
}

// TestPostRepliesEmbedFirstPage: a post's replies property embeds the
// collection and an empty first page whose next is the page of reply ids,
// the shape GoToSocial needs to find replies (it ignores a bare id).
func TestPostRepliesEmbedFirstPage(t *testing.T) {
	var note struct {
		Replies struct {
			ID, Type string
			First    struct {
				Type, PartOf, Next string
				Items              []string
			}
		}
	}
	if err := json.Unmarshal(documents(t)["note"], &note); err != nil {
		t.Fatal(err)
	}
	r := note.Replies
	if r.Type != "Collection" || r.ID == "" || r.First.Type != "CollectionPage" || r.First.PartOf != r.ID ||
		r.First.Next != RepliesPageID(r.ID) || r.First.Items == nil || len(r.First.Items) != 0 {
		t.Fatalf("replies = %+v", r)
	}
}
