package servers_test

import (
	"net/http"
	"testing"

	"herald/fedtest"
)

// TestGoToSocial is GoToSocial (fedtest.StyleGoToSocial) with Herald in
// authorized-fetch mode: a Follow signed hs2019 by a key whose URL serves a
// stub while the actor needs a signed GET; an Accept with an id, embedding
// the Follow, in the follower's own inbox; posts without name, edits
// keeping published; GoToSocial's signed GETs with the query.
func TestGoToSocial(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	g := e.peer(t, fedtest.StyleGoToSocial)
	t.Run("hs2019 Follow by a key stub; the actor fetched signed", func(t *testing.T) {
		e.follow(t, g)
		if !e.signedBy(g.User) {
			t.Fatalf("no verified GET of %s signed by Herald's instance actor: %+v", g.User.ID(), g.User.Fetches())
		}
	})
	t.Run("Accept has an id, embeds the Follow, lands in the follower's inbox", func(t *testing.T) {
		for _, d := range g.Deliveries() {
			if d.Type() == "Accept" && (d.Activity["id"] == nil || d.Path != "/users/alice/inbox") {
				t.Fatalf("Accept %s at %s", d.Body, d.Path)
			}
		}
	})
	var post string
	t.Run("Create without name (no content warning), to the personal inbox", func(t *testing.T) {
		post = e.publish(item{title: "No warning", text: "Shown open.", images: pictures(1)})
		d := e.await(t, g, "Create", post)
		shown(t, g, d)
		if d.Path != "/users/alice/inbox" {
			t.Fatalf("Create at %s: GoToSocial has no shared inbox", d.Path)
		}
	})
	t.Run("Update keeps published", func(t *testing.T) {
		e.edit(post, "No warning, edited")
		shown(t, g, e.await(t, g, "Update", post))
	})
	t.Run("Delete", func(t *testing.T) {
		e.withdraw(post)
		shown(t, g, e.await(t, g, "Delete", post))
	})
	t.Run("GoToSocial's signed GET with the query gets the outbox page at the first try", func(t *testing.T) {
		resp, err := g.Instance.Get(e.ctx, e.urls.Outbox("news")+"?page=true")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("HTTP %d: GoToSocial would sign again without the query", resp.StatusCode)
		}
		e.fetch(t, g, e.urls.Actor("news"))
	})
}
