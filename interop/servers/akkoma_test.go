package servers_test

import (
	"testing"
	"time"

	"herald/apptest"
	"herald/fedtest"
)

// TestAkkoma is Akkoma and Pleroma (fedtest.StyleAkkoma and
// fedtest.StyleAkkomaAuthorizedFetch): Follows signed over content-length
// too; Herald's key fetched without redirects, its id exact; Akkoma's
// 200 "ok" taken as delivered; a Note without name (Akkoma would show it
// as a title); each Update's updated strictly later; and, in
// authorized-fetch mode, a stripped actor without endpoints, so that
// Herald delivers to the personal inbox. Herald runs in authorized-fetch
// mode too, to take Akkoma's signed GETs (by /internal/fetch, the request
// target without the query).
func TestAkkoma(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	a := e.peer(t, fedtest.StyleAkkoma)
	af := e.peer(t, fedtest.StyleAkkomaAuthorizedFetch)
	t.Run("Follow signed over content-length, Host with port, is accepted", func(t *testing.T) {
		e.follow(t, a)
		e.follow(t, af)
		apptest.WantFollowers(t, e.h, 2)
	})
	var post string
	t.Run("Create answered 200 ok is delivered once", func(t *testing.T) {
		post = e.publish(item{title: "Akkoma", text: "No stray title."})
		shown(t, a, e.await(t, a, "Create", post))
		apptest.QueueDrained(t, e.h)
		if n := count(a, "Create", post); n != 1 {
			t.Fatalf("%d Creates: a 200 is a success, not a reason to retry", n)
		}
	})
	t.Run("authorized-fetch mode: delivered to the personal inbox", func(t *testing.T) {
		d := e.await(t, af, "Create", post)
		shown(t, af, d)
		if d.Path != "/users/alice/inbox" {
			t.Fatalf("Create at %s: the stripped actor names no shared inbox", d.Path)
		}
	})
	t.Run("each Update's updated is strictly later", func(t *testing.T) {
		e.edit(post, "Akkoma, edited")
		shown(t, a, e.await(t, a, "Update", post))
		e.edit(post, "Akkoma, edited again")
		apptest.Eventually(t, 10*time.Second, "a second Update", func() bool { return count(a, "Update", post) == 2 })
		for _, d := range a.Deliveries() {
			if d.Type() == "Update" {
				shown(t, a, d)
			}
		}
	})
	t.Run("Delete", func(t *testing.T) {
		e.withdraw(post)
		shown(t, a, e.await(t, a, "Delete", post))
	})
	t.Run("Akkoma's signed GET without the query gets the outbox page", func(t *testing.T) {
		e.fetch(t, a, e.urls.Outbox("news")+"?page=true")
	})
}
