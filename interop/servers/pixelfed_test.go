package servers_test

import (
	"strings"
	"testing"
	"time"

	"herald/apptest"
	"herald/fedtest"
)

// TestPixelfed is Pixelfed (fedtest.StylePixelfed): a Follow signed over
// content-type and user-agent with an ld+json Content-Type and a Host
// without port; the Accept embedding the Follow; posts shown only with
// pictures that pass verifyAttachments (alt text and URL of at most 255
// characters, at most 5000 pixels a side), text-only posts dropped;
// Updates with ids of their own (Pixelfed drops an id seen within the
// hour); Deletes of a Tombstone. Herald runs in authorized-fetch mode, to
// take Pixelfed's signed GETs (by /i/actor, accept signed, the request
// target without the query, Host without port).
func TestPixelfed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	p := e.peer(t, fedtest.StylePixelfed)
	t.Run("Follow signed over user-agent with an ld+json Content-Type; Accept embeds it", func(t *testing.T) {
		e.follow(t, p)
	})
	var post string
	t.Run("Create with a picture passes verifyAttachments", func(t *testing.T) {
		post = e.publish(item{title: "A picture", text: "For Pixelfed.", images: pictures(1)})
		shown(t, p, e.await(t, p, "Create", post))
	})
	t.Run("alt text over 255 characters is cut", func(t *testing.T) {
		long := e.publish(item{title: "Long alt", text: "Described at length.",
			images: []image{{name: "long.jpg", alt: strings.Repeat("A long description of the picture. ", 12)}}})
		shown(t, p, e.await(t, p, "Create", long))
	})
	t.Run("picture over 5000 pixels wide keeps no size", func(t *testing.T) {
		wide := e.publish(item{title: "Panorama", text: "Very wide.", images: []image{{name: "wide.jpg", alt: "A panorama", width: 9000}}})
		shown(t, p, e.await(t, p, "Create", wide))
	})
	t.Run("text-only post is delivered and dropped", func(t *testing.T) {
		text := e.publish(item{title: "Words only", text: "No picture."})
		d := e.await(t, p, "Create", text)
		if !d.Verified || d.Status != 200 || !strings.Contains(d.Hidden, "without attachments") {
			t.Fatalf("text-only Create: verified %t, HTTP %d, hidden %q", d.Verified, d.Status, d.Hidden)
		}
		apptest.QueueDrained(t, e.h)
		if n := count(p, "Create", text); n != 1 {
			t.Fatalf("%d Creates: Pixelfed's 200 is final", n)
		}
	})
	t.Run("each Update has its own activity id", func(t *testing.T) {
		e.edit(post, "A picture, edited")
		shown(t, p, e.await(t, p, "Update", post))
		e.edit(post, "A picture, edited again")
		apptest.Eventually(t, 10*time.Second, "a second Update", func() bool { return count(p, "Update", post) == 2 })
		for _, d := range p.Deliveries() {
			if d.Type() == "Update" {
				shown(t, p, d)
			}
		}
	})
	t.Run("Delete carries a Tombstone", func(t *testing.T) {
		e.withdraw(post)
		shown(t, p, e.await(t, p, "Delete", post))
	})
	t.Run("Pixelfed's signed GET gets the outbox page", func(t *testing.T) {
		e.fetch(t, p, e.urls.Outbox("news")+"?page=true")
	})
}
