package fedtest

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// fakeRelay is a Directory account playing a relay towards a Mastodon
// peer m, which subscribed to it; accept has it accept the Follow.
func fakeRelay(t *testing.T, ctx context.Context, m *Peer, accept bool) *Account {
	t.Helper()
	d := NewDirectory()
	t.Cleanup(d.Close)
	relay, _ := d.Add("/actor", StyleMastodon)
	follow, err := m.subscribeRelay(ctx, relay.Inbox(), relay.ID())
	if err != nil {
		t.Fatal(err)
	}
	if accept {
		answer := map[string]any{"id": relay.ID() + "/accept", "type": "Accept", "actor": relay.ID(), "object": follow}
		if status, _ := post(t, ctx, relay, m.Instance.Inbox(), answer); status != http.StatusAccepted {
			t.Fatalf("Accept: HTTP %d", status)
		}
	}
	return relay
}

// TestMastodonRelayedFromUnknown: a Mastodon peer drops, even LD-signed, a
// Create forwarded by a relay it has not enabled (its Follow still pending:
// related_to_local_activity?), and an Announce by an actor nobody there
// follows; both are answered 202.
func TestMastodonRelayedFromUnknown(t *testing.T) {
	ctx := testContext(t)
	m, origin := newTestPeer(t, StyleMastodon), newTestPeer(t, StyleMastodon)
	relay := fakeRelay(t, ctx, m, false)
	noteID, create := publishNote(t, origin, 1)
	if status, _ := post(t, ctx, relay, m.SharedInbox(), ldSigned(t, origin.User, create)); status != http.StatusAccepted {
		t.Fatalf("forwarded Create: HTTP %d", status)
	}
	got := await(t, ctx, m, "Create", noteID)
	if got.RelayedBy != relay.ID() || !strings.Contains(got.Hidden, "no relay enabled here") {
		t.Fatalf("forwarded Create: relayed by %q, hidden %q", got.RelayedBy, got.Hidden)
	}
	announce := map[string]any{"id": relay.ID() + "/announce", "type": "Announce", "actor": relay.ID(), "object": noteID}
	if status, _ := post(t, ctx, relay, m.SharedInbox(), announce); status != http.StatusAccepted {
		t.Fatalf("Announce: HTTP %d", status)
	}
	if got := await(t, ctx, m, "Announce", noteID); !strings.Contains(got.Hidden, "nobody here follows") || got.Announced != nil {
		t.Fatalf("Announce: hidden %q, fetched %v", got.Hidden, got.Announced)
	}
}

// TestMastodonAnnounceChecks: through an enabled relay, Mastodon shows an
// announced post only when the document fetched is that post, of a post
// type, attributed to an actor of its own host
// (FetchRemoteStatusService, trustworthy_attribution?).
func TestMastodonAnnounceChecks(t *testing.T) {
	ctx := testContext(t)
	m, origin := newTestPeer(t, StyleMastodon), newTestPeer(t, StyleMastodon)
	relay := fakeRelay(t, ctx, m, true)
	cases := []struct {
		name, hidden string
		edit         func(doc map[string]any)
	}{
		{"the post", "", func(map[string]any) {}},
		{"attributed elsewhere", "on another host", func(d map[string]any) { d["attributedTo"] = "https://elsewhere.example/users/x" }},
		{"another id", "has the id", func(d map[string]any) { d["id"] = origin.URL + "/notes/other" }},
		{"not a post", "not a post", func(d map[string]any) { d["type"] = "Person" }},
	}
	for i, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			noteID, create := publishNote(t, origin, i+1)
			doc := create["object"].(map[string]any)
			tt.edit(doc)
			if err := origin.Publish(strings.TrimPrefix(noteID, origin.URL), doc); err != nil {
				t.Fatal(err)
			}
			announce := map[string]any{"id": relay.ID() + "/announces/" + tt.name, "type": "Announce",
				"actor": relay.ID(), "object": noteID}
			post(t, ctx, relay, m.SharedInbox(), announce)
			d := await(t, ctx, m, "Announce", noteID)
			if d.RelayedBy != relay.ID() || (tt.hidden == "") != (d.Hidden == "") || !strings.Contains(d.Hidden, tt.hidden) {
				t.Fatalf("relayed by %q, hidden %q, want %q", d.RelayedBy, d.Hidden, tt.hidden)
			}
		})
	}
}
