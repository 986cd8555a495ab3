package servers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/apptest"
	"herald/fedtest"
)

// TestMastodon is Mastodon 4.3 and 4.4 (fedtest.StyleMastodon): its
// signed Follow, Herald's Accept, and a post's Create, edits and Delete as
// Mastodon checks and shows them.
func TestMastodon(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	m := e.peer(t, fedtest.StyleMastodon)
	t.Run("Follow signed over content-type with a Host without port is accepted", func(t *testing.T) {
		id, accept := e.follow(t, m)
		if accept.Object()["id"] != id || accept.Path != "/users/alice/inbox" {
			t.Fatalf("Accept %s at %s: want the Follow %s embedded, at the follower's inbox", accept.Body, accept.Path, id)
		}
		apptest.WantFollowers(t, e.h, 1)
	})
	var post string
	t.Run("Create: object on the actor's host, at most 4 images, once to the shared inbox", func(t *testing.T) {
		post = e.publish(item{title: "Five pictures", text: "A gallery.", images: pictures(5)})
		d := e.await(t, m, "Create", post)
		shown(t, m, d)
		if n := len(d.Object()["attachment"].([]any)); n != 4 || d.Path != "/inbox" {
			t.Fatalf("Create at %s with %d attachments: want the shared inbox and 4", d.Path, n)
		}
	})
	t.Run("Update carries a later updated each time", func(t *testing.T) {
		e.edit(post, "Five pictures, corrected")
		shown(t, m, e.await(t, m, "Update", post))
		e.edit(post, "Five pictures, corrected again")
		apptest.Eventually(t, 10*time.Second, "a second Update", func() bool { return count(m, "Update", post) == 2 })
		for _, d := range m.Deliveries() {
			if d.Type() == "Update" {
				shown(t, m, d)
			}
		}
	})
	t.Run("Delete of a withdrawn post", func(t *testing.T) {
		e.withdraw(post)
		shown(t, m, e.await(t, m, "Delete", post))
	})
}

// TestMastodonSecureMode is Mastodon with AUTHORIZED_FETCH
// (fedtest.StyleMastodonSecure) and Herald in authorized-fetch mode: the
// stripped actor Mastodon gives Herald's unsigned GET still leads to the
// follower's inboxes, and Mastodon's signed GETs of Herald's documents
// (accept signed, Host without port, keyId /actor#main-key) get them whole.
func TestMastodonSecureMode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	m := e.peer(t, fedtest.StyleMastodonSecure)
	t.Run("stripped actor for an unsigned GET still names the inboxes", func(t *testing.T) {
		e.follow(t, m)
		if e.signedBy(m.User) {
			t.Errorf("Herald signed its GET of %s; Mastodon answers it unsigned (stripped)", m.User.ID())
		}
		post := e.publish(item{title: "Secure", text: "Delivered to the shared inbox.", images: pictures(1)})
		if d := e.await(t, m, "Create", post); d.Path != "/inbox" {
			t.Fatalf("Create at %s, want the shared inbox from the stripped actor's endpoints", d.Path)
		}
	})
	t.Run("Mastodon's signed GET gets the whole actor and the outbox page", func(t *testing.T) {
		doc := e.fetch(t, m, e.urls.Actor("news"))
		if doc["followers"] == nil || doc["name"] == nil {
			t.Fatalf("signed GET of the actor got a stripped one: %v", doc)
		}
		page := e.fetch(t, m, e.urls.Outbox("news")+"?page=true")
		if !strings.Contains(page["type"].(string), "OrderedCollectionPage") {
			t.Fatalf("outbox page: %v", page)
		}
	})
}

// TestMastodon45 is Mastodon 4.5 (fedtest.StyleMastodon45), which verifies
// RFC 9421 signatures inbound but still signs draft-cavage and sends no
// Accept-Signature, and answers 503 when it cannot fetch the sender's key
// for a while (4.5.4).
func TestMastodon45(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	m := e.peer(t, fedtest.StyleMastodon45)
	e.follow(t, m)
	t.Run("503 for a temporary key-fetch failure is retried", func(t *testing.T) {
		m.SetInboxReply(func(n int, d fedtest.Delivery) int {
			if d.Type() == "Create" && count(m, "Create", objectOf(d)) == 0 {
				return http.StatusServiceUnavailable
			}
			return 0
		})
		post := e.publish(item{title: "Retried", text: "After a 503."})
		apptest.Eventually(t, 10*time.Second, "the Create again after the 503", func() bool { return count(m, "Create", post) == 2 })
		m.SetInboxReply(nil)
		for _, d := range m.Deliveries() {
			if d.Type() == "Create" && d.Status != http.StatusServiceUnavailable {
				shown(t, m, d)
			}
		}
	})
	t.Run("draft-cavage, never both schemes in one request", func(t *testing.T) {
		for _, d := range m.Deliveries() {
			if d.Header.Get("Signature-Input") != "" || !strings.Contains(d.Header.Get("Signature"), `keyId="`) {
				t.Errorf("%s signed %q / %q: want draft-cavage only", d.Type(), d.Header.Get("Signature-Input"), d.Header.Get("Signature"))
			}
		}
	})
	t.Run("Herald's RFC 9421 signature passes Mastodon 4.5's verifier", func(t *testing.T) {
		m.RequestRFC9421(true) // as RFC 9421 §5.1 lets a server ask; Mastodon itself does not
		post := e.publish(item{title: "Message signatures", text: "Signed per RFC 9421."})
		apptest.Eventually(t, 10*time.Second, "an RFC 9421 Create", func() bool {
			for _, d := range m.Deliveries() {
				if d.Type() == "Create" && objectOf(d) == post && d.Header.Get("Signature-Input") != "" {
					return true
				}
			}
			return false
		})
		for _, d := range m.Deliveries() {
			if objectOf(d) == post && d.Header.Get("Signature-Input") != "" {
				shown(t, m, d)
				if d.Header.Get("Digest") != "" || strings.Contains(d.Header.Get("Signature"), `keyId="`) {
					t.Errorf("RFC 9421 request also carries draft-cavage headers: %v", d.Header)
				}
			}
		}
	})
}
