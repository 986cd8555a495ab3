package servers_test

import (
	"testing"

	"herald/fedtest"
)

// TestThreads is Threads (fedtest.StyleThreads), which signs every
// request and requires every GET but WebFinger to be signed, with Herald
// in authorized-fetch mode: Herald signs its GET of the follower after the
// 401, Threads verifies Herald's Accept and posts after a signed GET of
// Herald's key, and Threads' signed GETs of Herald's posts are answered.
func TestThreads(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	th := e.peer(t, fedtest.StyleThreads)
	t.Run("Herald signs its GET of the follower; Threads verifies the Accept", func(t *testing.T) {
		e.follow(t, th)
		if !e.signedBy(th.User) {
			t.Fatalf("no verified GET of %s signed by Herald's instance actor: %+v", th.User.ID(), th.User.Fetches())
		}
	})
	var post string
	t.Run("Create, Update and Delete verify", func(t *testing.T) {
		post = e.publish(item{title: "Threads", text: "Signed both ways.", images: pictures(1)})
		shown(t, th, e.await(t, th, "Create", post))
		e.edit(post, "Threads, edited")
		shown(t, th, e.await(t, th, "Update", post))
	})
	t.Run("Threads' signed GET of a post gets the Note", func(t *testing.T) {
		if doc := e.fetch(t, th, post); doc["type"] != "Note" {
			t.Fatalf("GET %s: %v", post, doc)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		e.withdraw(post)
		shown(t, th, e.await(t, th, "Delete", post))
	})
}
