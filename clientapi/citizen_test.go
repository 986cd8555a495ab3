package clientapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"herald/actor"
	"herald/fedtest"
)

// citizen is a user of a Mastodon server (a fedtest.Peer) who writes to
// Herald's accounts: follows, likes, boosts, replies, mentions and
// direct messages, each signed as Mastodon signs.
type citizen struct {
	peer *fedtest.Peer
	n    int
}

func newCitizen(t *testing.T) *citizen {
	t.Helper()
	p, err := fedtest.NewPeer(fedtest.StyleMastodon)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	p.User.SetProfile("Alice Burger", p.URL+"/avatars/alice.png")
	return &citizen{peer: p}
}

// id is the citizen's actor id; acct her user@host.
func (c *citizen) id() string   { return c.peer.User.ID() }
func (c *citizen) acct() string { return "alice@" + c.peer.Host() }

// send posts activity to Herald's shared inbox and fails the test unless
// it is accepted.
func (c *citizen) send(ctx context.Context, t *testing.T, base string, activity map[string]any) {
	t.Helper()
	body, _ := json.Marshal(activity)
	resp, err := c.peer.User.Post(ctx, actor.URLs{Base: base}.SharedInbox(), body, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST %v: HTTP %d %s", activity["type"], resp.StatusCode, msg)
	}
}

// next returns a fresh id on the citizen's server.
func (c *citizen) next(kind string) string {
	c.n++
	return fmt.Sprintf("%s/%s/%d", c.id(), kind, c.n)
}

// post is a Create of a Note with content, addressed to to and cc,
// mentioning the actors mentions, answering inReplyTo ("" for none). It
// returns the activity and the Note's id.
func (c *citizen) post(content, inReplyTo string, to, cc, mentions []string) (map[string]any, string) {
	id := c.next("statuses")
	var tags []any
	for _, m := range mentions {
		tags = append(tags, map[string]any{"type": "Mention", "href": m, "name": "@news"})
	}
	note := map[string]any{"id": id, "type": "Note", "attributedTo": c.id(), "content": content, "to": to, "cc": cc, "tag": tags,
		"published": time.Now().UTC().Format(time.RFC3339), "url": id + "/page"}
	if inReplyTo != "" {
		note["inReplyTo"] = inReplyTo
	}
	return map[string]any{"@context": actor.ActivityStreams, "id": id + "/activity", "type": "Create", "actor": c.id(),
		"to": to, "cc": cc, "object": note}, id
}

// question is a direct message to the account actorID.
func (c *citizen) question(actorID, text string) (map[string]any, string) {
	return c.post("<p>@news "+text+"</p>", "", []string{actorID}, nil, []string{actorID})
}

// react is a Like or an Announce of object.
func (c *citizen) react(typ, object string) map[string]any {
	return map[string]any{"@context": actor.ActivityStreams, "id": c.next(typ), "type": typ, "actor": c.id(), "object": object,
		"to": []string{actor.PublicAudience}}
}

// follow has the citizen follow actorID and waits for the Accept.
func (c *citizen) follow(ctx context.Context, t *testing.T, base, actorID string) {
	t.Helper()
	if status, _, err := c.peer.Follow(ctx, actorID, actor.URLs{Base: base}.SharedInbox()); err != nil || status != http.StatusAccepted {
		t.Fatalf("Follow: HTTP %d, %v", status, err)
	}
	if _, err := c.peer.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Accept" }); err != nil {
		t.Fatal(err)
	}
}
