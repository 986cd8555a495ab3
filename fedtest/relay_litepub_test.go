package fedtest

import (
	"net/http"
	"strings"
	"testing"
)

// TestLitePubRelaySubscription: Akkoma's /relay actor following the relay
// actor gets an Accept at its shared inbox and a Follow back (NodeInfo
// says akkoma); Mastodon's instance actor following as:Public gets an
// Accept whose embedded Follow names the relay actor, and no Follow back
// (NodeInfo says mastodon); with approval required both wait for Approve.
func TestLitePubRelaySubscription(t *testing.T) {
	cases := []struct {
		name       string
		style      Style
		manual     bool
		protocol   string
		followBack bool
	}{
		{"akkoma follows the relay actor", StyleAkkoma, false, "litepub", true},
		{"mastodon follows as:Public", StyleMastodon, false, "mastodon", false},
		{"akkoma, approval required", StyleAkkoma, true, "litepub", true},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testContext(t)
			r := newTestRelay(t, RelayOptions{Software: LitePubRelay, ManuallyAccept: tt.manual})
			p := newTestPeer(t, tt.style)
			follow, err := p.subscribeRelay(ctx, r.Inbox(), r.ActorID())
			if err != nil {
				t.Fatal(err)
			}
			if tt.manual {
				if s := subscription(t, r, p.Host()); s.Accepted {
					t.Fatalf("accepted before Approve: %+v", s)
				}
				if err := r.Approve(ctx, p.Host()); err != nil {
					t.Fatal(err)
				}
			}
			d := await(t, ctx, p, "Accept", follow)
			if d.Path != "/inbox" || d.Status/100 != 2 || d.Object()["object"] != r.ActorID() {
				t.Fatalf("Accept at %s, HTTP %d (%s), embedding %v", d.Path, d.Status, d.Problem, d.Object())
			}
			s := subscription(t, r, p.Host())
			if !s.Accepted || s.Protocol != tt.protocol || s.FollowedBack != tt.followBack || s.Inbox != p.SharedInbox() {
				t.Fatalf("subscription %+v", s)
			}
			if tt.followBack {
				await(t, ctx, p, "Follow", p.URL+"/relay")
			}
		})
	}
}

// TestLitePubRelayRefuses: a Person's Follow gets a Reject; a Create from
// a server that never followed gets 401; an activity its actor did not
// sign (forwarded) gets 401; a banned domain gets 403 for anything.
func TestLitePubRelayRefuses(t *testing.T) {
	ctx := testContext(t)
	m := newTestPeer(t, StyleMastodon)
	banned := newTestPeer(t, StyleMastodon)
	r := newTestRelay(t, RelayOptions{Software: LitePubRelay, BlockedDomains: []string{banned.Host()}})
	status, _ := post(t, ctx, m.User, r.Inbox(), map[string]any{"id": m.User.ID() + "/f", "type": "Follow",
		"actor": m.User.ID(), "object": r.ActorID()})
	if d := await(t, ctx, m, "Reject", m.User.ID()+"/f"); status != http.StatusAccepted || d.Object()["actor"] != m.User.ID() {
		t.Fatalf("Person's Follow: HTTP %d, then %s", status, d.Body)
	}
	_, create := publishNote(t, m, 1)
	if status, msg := post(t, ctx, m.User, r.Inbox(), create); status != http.StatusUnauthorized || msg != "access denied" {
		t.Fatalf("Create while not following: HTTP %d %q", status, msg)
	}
	if status, _ := post(t, ctx, m.Instance, r.Inbox(), create); status != http.StatusUnauthorized {
		t.Fatalf("Create signed by another actor: HTTP %d", status)
	}
	_, own := publishNote(t, banned, 1)
	if status, msg := post(t, ctx, banned.User, r.Inbox(), own); status != http.StatusForbidden {
		t.Fatalf("banned domain: HTTP %d %q", status, msg)
	}
}

// TestLitePubRelayAnnounces: an Announce from a subscribed server is
// re-announced once to the others, never to its origin: Mastodon fetches
// the post and shows it as relayed, Akkoma too. An Update goes on as it
// came, signed by the relay: Mastodon applies it with its author's LD
// signature, Akkoma refuses any activity its actor did not sign.
func TestLitePubRelayAnnounces(t *testing.T) {
	ctx := testContext(t)
	r := newTestRelay(t, RelayOptions{Software: LitePubRelay})
	origin, m, k := newTestPeer(t, StyleAkkoma), newTestPeer(t, StyleMastodon), newTestPeer(t, StyleAkkoma)
	for _, p := range []*Peer{origin, m, k} {
		subscribe(t, ctx, r, p)
	}
	noteID, create := publishNote(t, origin, 1)
	relayActor, _ := origin.relayActor()
	for i, id := range []string{"/announces/1", "/announces/2"} {
		announce := map[string]any{"id": origin.URL + id, "type": "Announce", "actor": relayActor.ID(), "object": noteID,
			"to": []any{relayActor.ID() + "/followers"}}
		if status, _ := post(t, ctx, relayActor, r.Inbox(), announce); status != http.StatusAccepted {
			t.Fatalf("Announce %d: HTTP %d", i+1, status)
		}
	}
	for _, p := range []*Peer{m, k} {
		d := await(t, ctx, p, "Announce", noteID)
		if d.Status/100 != 2 || d.Hidden != "" || d.RelayedBy != r.ActorID() || d.Announced["id"] != noteID {
			t.Fatalf("%s: HTTP %d (%s), hidden %q, relayed by %q", p.Style.Name, d.Status, d.Problem, d.Hidden, d.RelayedBy)
		}
	}
	second, err := r.WaitFor(ctx, func(d Delivery) bool { return d.Activity["id"] == origin.URL+"/announces/2" })
	if err != nil || !strings.Contains(second.Hidden, "already relayed") {
		t.Fatalf("the second Announce: %q %v", second.Hidden, err)
	}
	update := map[string]any{"@context": create["@context"], "id": noteID + "/updates/1", "type": "Update",
		"actor": origin.User.ID(), "to": create["to"], "object": editedNote(create)}
	if status, _ := post(t, ctx, origin.User, r.Inbox(), ldSigned(t, origin.User, update)); status != http.StatusAccepted {
		t.Fatalf("Update: HTTP %d", status)
	}
	if d := await(t, ctx, m, "Update", noteID); d.Hidden != "" || d.RelayedBy != r.ActorID() {
		t.Fatalf("Mastodon: hidden %q, relayed by %q", d.Hidden, d.RelayedBy)
	}
	if d := await(t, ctx, k, "Update", noteID); d.Status != http.StatusBadRequest || d.RelayedBy != r.ActorID() {
		t.Fatalf("Akkoma: HTTP %d, relayed by %q", d.Status, d.RelayedBy)
	}
	for _, s := range sentTo(r, origin) {
		if typ := s.Activity["type"]; typ == "Announce" || typ == "Update" {
			t.Errorf("the relay sent its origin a %v", typ)
		}
	}
}

// editedNote is the Create's Note, edited, with an updated time.
func editedNote(create map[string]any) map[string]any {
	note := map[string]any{}
	for k, v := range create["object"].(map[string]any) {
		note[k] = v
	}
	note["content"], note["updated"] = "<p>Edited</p>", "2025-01-03T03:04:05Z"
	return note
}
