package servers_test

import (
	"testing"

	"herald/fedtest"
)

// TestSharkey is Sharkey (fedtest.StyleSharkey) with Herald in
// authorized-fetch mode: its redacted actor for Herald's unsigned GET
// still names the inboxes, it applies edits, and its signed GETs (an
// unknown keyId fetched as the actor without its fragment) are accepted.
func TestSharkey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	s := e.peer(t, fedtest.StyleSharkey)
	t.Run("redacted actor for an unsigned GET still names the inboxes", func(t *testing.T) {
		e.follow(t, s)
	})
	var post string
	t.Run("Create to the shared inbox", func(t *testing.T) {
		post = e.publish(item{title: "Sharkey", text: "A fork of Misskey."})
		d := e.await(t, s, "Create", post)
		shown(t, s, d)
		if d.Path != "/inbox" {
			t.Fatalf("Create at %s, want the shared inbox", d.Path)
		}
	})
	t.Run("Update is applied", func(t *testing.T) {
		e.edit(post, "Sharkey, edited")
		shown(t, s, e.await(t, s, "Update", post))
	})
	t.Run("Sharkey's signed GET gets the post", func(t *testing.T) {
		if doc := e.fetch(t, s, post); doc["type"] != "Note" {
			t.Fatalf("GET %s: %v", post, doc)
		}
	})
}
