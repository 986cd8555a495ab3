package servers_test

import (
	"net/http"
	"testing"
	"time"

	"herald/fedtest"
)

// TestMisskey is Misskey (fedtest.StyleMisskey) with Herald in
// authorized-fetch mode: a Follow from an actor whose path holds a user id,
// signed over (request-target) date host digest; Herald's actor passing
// Misskey's actor validation; its POSTs with Misskey's Host and a fresh
// Date (300 s); posts attributed by a plain string; edits, which Misskey
// does not apply; Misskey's signed GETs without the query; and a shared
// inbox that never answers 410.
func TestMisskey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	m := e.peer(t, fedtest.StyleMisskey)
	t.Run("Follow by a user-id actor is accepted; the Accept passes the inbox checks", func(t *testing.T) {
		e.follow(t, m)
	})
	t.Run("Herald's actor passes validateActor", func(t *testing.T) {
		doc := e.fetch(t, m, e.urls.Actor("news"))
		if err := fedtest.ValidateMisskeyActor(doc, e.urls.Actor("news")); err != nil {
			t.Fatal(err)
		}
		inst := e.fetch(t, m, e.urls.InstanceActor())
		if err := fedtest.ValidateMisskeyActor(inst, e.urls.InstanceActor()); err != nil {
			t.Fatalf("instance actor: %v", err)
		}
	})
	var post string
	t.Run("Create attributed to the actor as a string", func(t *testing.T) {
		post = e.publish(item{title: "Plain attribution", text: "For Misskey."})
		shown(t, m, e.await(t, m, "Create", post))
	})
	t.Run("Update is delivered, and Misskey does not apply it", func(t *testing.T) {
		e.edit(post, "Plain attribution, edited")
		d := e.await(t, m, "Update", post)
		if !d.Verified || d.Hidden == "" {
			t.Fatalf("Update: verified %t, hidden %q; want verified and not applied", d.Verified, d.Hidden)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		e.withdraw(post)
		shown(t, m, e.await(t, m, "Delete", post))
	})
	t.Run("Misskey's signed GET without the query gets the outbox page", func(t *testing.T) {
		e.fetch(t, m, e.urls.Outbox("news")+"?page=true")
	})
	t.Run("shared inbox answers a gone actor's Delete without 410", func(t *testing.T) {
		gone, err := m.Add("/users/9m2k7x0a2c", fedtest.StyleMisskey)
		if err != nil {
			t.Fatal(err)
		}
		gone.SetGone()
		body := []byte(`{"@context":"https://www.w3.org/ns/activitystreams","type":"Delete","id":"` + gone.ID() + `#delete",` +
			`"actor":"` + gone.ID() + `","object":"` + gone.ID() + `"}`)
		resp, err := gone.Post(e.ctx, e.urls.SharedInbox(), body, time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusGone || resp.StatusCode >= 300 {
			t.Fatalf("HTTP %d: Misskey suspends a host whose shared inbox answers 410", resp.StatusCode)
		}
	})
}
