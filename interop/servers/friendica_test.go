package servers_test

import (
	"testing"

	"herald/fedtest"
)

// TestFriendica is Friendica (fedtest.StyleFriendica) with Herald in
// authorized-fetch mode: a Follow signed over (request-target) date
// content-length digest host with a Host without port; Herald's POSTs
// under Friendica's rules (rsa-sha256 or rsa-sha512 only, Date within
// 300 s); Notes without name (Friendica would show it as a title);
// Friendica's signed GETs without the query.
func TestFriendica(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	f := e.peer(t, fedtest.StyleFriendica)
	t.Run("Follow signed over content-length with a Host without port is accepted", func(t *testing.T) {
		e.follow(t, f)
	})
	var post string
	t.Run("Create signed rsa-sha256 with a fresh Date, no title", func(t *testing.T) {
		post = e.publish(item{title: "Friendica", text: "Without a title."})
		shown(t, f, e.await(t, f, "Create", post))
	})
	t.Run("Update and Delete", func(t *testing.T) {
		e.edit(post, "Friendica, edited")
		shown(t, f, e.await(t, f, "Update", post))
		e.withdraw(post)
		shown(t, f, e.await(t, f, "Delete", post))
	})
	t.Run("Friendica's signed GET without the query gets the outbox page", func(t *testing.T) {
		e.fetch(t, f, e.urls.Outbox("news")+"?page=true")
	})
}
