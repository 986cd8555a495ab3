package fedtest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestActivityRelaySubscription: a Mastodon-style Follow of as:Public is
// accepted at once (the Accept to the follower's own inbox), or pending
// until Approve (the Accept then to its shared inbox), or Rejected for a
// blocked domain; the relay keeps the subscriber's shared inbox.
func TestActivityRelaySubscription(t *testing.T) {
	cases := []struct {
		name             string
		manual, block    bool
		wantType, wantAt string // the answer and the inbox path it reaches
	}{
		{"accepted at once", false, false, "Accept", "/actor/inbox"},
		{"pending, then approved", true, false, "Accept", "/inbox"},
		{"blocked domain", false, true, "Reject", "/actor/inbox"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testContext(t)
			m := newTestPeer(t, StyleMastodon)
			opts := RelayOptions{Software: ActivityRelay, ManuallyAccept: tt.manual}
			if tt.block {
				opts.BlockedDomains = []string{m.Host()}
			}
			r := newTestRelay(t, opts)
			follow, err := m.subscribeRelay(ctx, r.SubscribeURL(), r.ActorID())
			if err != nil {
				t.Fatal(err)
			}
			if tt.manual {
				if s := subscription(t, r, m.Host()); s.Accepted || s.Inbox != m.SharedInbox() {
					t.Fatalf("before Approve: %+v, want pending with the shared inbox", s)
				}
				if err := r.Approve(ctx, m.Host()); err != nil {
					t.Fatal(err)
				}
			}
			d := await(t, ctx, m, tt.wantType, follow)
			if d.Path != tt.wantAt || !d.Verified || d.Object()["type"] != "Follow" || d.Activity["actor"] != r.ActorID() {
				t.Fatalf("%s at %s (verified %t, %s): %s", d.Type(), d.Path, d.Verified, d.Problem, d.Body)
			}
			if tt.block {
				if len(r.Subscriptions()) != 0 {
					t.Fatalf("a blocked domain subscribed: %+v", r.Subscriptions())
				}
				return
			}
			if s := subscription(t, r, m.Host()); !s.Accepted || s.Protocol != "mastodon" || s.Inbox != m.SharedInbox() {
				t.Fatalf("subscription %+v", s)
			}
		})
	}
}

// TestActivityRelayFollowOfActor: a Follow of the relay actor is Rejected
// from a Person, and accepted from an Application at /relay, which the
// relay then follows back (executeFollowing, executeMutuallyFollow); its
// Accept embedding that Follow marks the subscription mutual.
func TestActivityRelayFollowOfActor(t *testing.T) {
	ctx := testContext(t)
	r := newTestRelay(t, RelayOptions{Software: ActivityRelay})
	d := NewDirectory()
	t.Cleanup(d.Close)
	person, _ := d.Add("/users/alice", StyleMastodon)
	app, _ := d.Add("/relay", StyleMastodon)
	app.mu.Lock()
	app.actorType = "Application"
	app.mu.Unlock()
	for _, a := range []*Account{person, app} {
		follow := map[string]any{"id": a.ID() + "/follow", "type": "Follow", "actor": a.ID(), "object": r.ActorID(),
			"to": []any{r.ActorID()}}
		if status, _ := post(t, ctx, a, r.Inbox(), follow); status != http.StatusAccepted {
			t.Fatalf("Follow by %s: HTTP %d", a.ID(), status)
		}
	}
	kinds, back := map[string]string{}, map[string]any{}
	for _, s := range waitSends(t, ctx, r, 3) {
		kinds[s.Inbox] += str(s.Activity["type"]) + " "
		if s.Activity["type"] == "Follow" {
			back = s.Activity
		}
	}
	if kinds[person.Inbox()] != "Reject " || kinds[app.Inbox()] != "Accept Follow " {
		t.Fatalf("the relay sent %v; want a Reject to the Person, an Accept and a Follow to /relay", kinds)
	}
	accept := map[string]any{"id": app.ID() + "/accept", "type": "Accept", "actor": app.ID(), "to": []any{r.ActorID()},
		"object": map[string]any{"id": back["id"], "type": "Follow", "actor": r.ActorID(), "object": app.ID()}}
	if status, _ := post(t, ctx, app, r.Inbox(), accept); status != http.StatusAccepted {
		t.Fatalf("Accept of the Follow back: HTTP %d", status)
	}
	if s := subscription(t, r, hostOf(app.ID())); s.Protocol != "litepub" || !s.FollowedBack || !s.MutualFollow || s.Inbox != app.Inbox() {
		t.Fatalf("follower %+v", s)
	}
}

// waitSends waits until the relay sent n POSTs and returns them.
func waitSends(t *testing.T, ctx context.Context, r *Relay, n int) []RelaySend {
	t.Helper()
	for {
		r.mu.Lock()
		sends, changed := slices.Clone(r.sent), r.changed
		r.mu.Unlock()
		if len(sends) >= n {
			return sends
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the relay sent %d POSTs, want %d: %+v", len(sends), n, sends)
		case <-changed:
		}
	}
}

// TestActivityRelayUnsubscribed: a public Create from a host that did not
// subscribe gets 401 "to use the relay service, please follow in advance";
// one whose signature does not verify gets 400 (decodeActivity).
func TestActivityRelayUnsubscribed(t *testing.T) {
	ctx := testContext(t)
	r := newTestRelay(t, RelayOptions{Software: ActivityRelay})
	m := newTestPeer(t, StyleMastodon)
	_, create := publishNote(t, m, 1)
	status, msg := post(t, ctx, m.User, r.Inbox(), create)
	if status != http.StatusUnauthorized || !strings.Contains(msg, "please follow in advance") {
		t.Fatalf("HTTP %d %q, want 401 asking to follow", status, msg)
	}
	got := r.Received()
	if len(got) != 1 || !got[0].Verified || got[0].Status != http.StatusUnauthorized {
		t.Fatalf("recorded %+v", got)
	}
	resp, err := m.User.Post(ctx, r.Inbox(), []byte(`{"type":"Create"}`), time.Now(), badSig)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := r.Received()[1]; resp.StatusCode != http.StatusBadRequest || d.Verified || !strings.Contains(d.Problem, "verify") {
		t.Fatalf("a bad signature: HTTP %d, %+v", resp.StatusCode, d)
	}
}

// TestActivityRelayForwards: a public Create from a subscribed host goes
// unchanged, signed by the relay (keyId: its actor id), to the other
// Mastodon-style subscriber, which shows it only with its author's LD
// signature; a LitePub follower gets an Announce of the Note; nothing goes
// back to the origin.
func TestActivityRelayForwards(t *testing.T) {
	ctx := testContext(t)
	r := newTestRelay(t, RelayOptions{Software: ActivityRelay})
	origin, reader := newTestPeer(t, StyleMastodon), newTestPeer(t, StyleMastodon)
	subscribe(t, ctx, r, origin)
	subscribe(t, ctx, r, reader)
	follower := relayFollower(t, ctx, r)
	cases := []struct {
		name   string
		n      int
		sign   bool
		hidden string
	}{
		{"LD-signed by its author: shown", 1, true, ""},
		{"without an LD signature: dropped", 2, false, "without a valid LD signature"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			noteID, create := publishNote(t, origin, tt.n)
			if tt.sign {
				create = ldSigned(t, origin.User, create)
			}
			if status, msg := post(t, ctx, origin.User, r.Inbox(), create); status != http.StatusAccepted {
				t.Fatalf("HTTP %d %s", status, msg)
			}
			d := await(t, ctx, reader, "Create", noteID)
			want, _ := json.Marshal(create)
			if d.RelayedBy != r.ActorID() || d.KeyID != r.ActorID() || !bytes.Equal(d.Body, want) || d.Status != http.StatusAccepted {
				t.Fatalf("relayed by %q, keyId %q, HTTP %d: %s", d.RelayedBy, d.KeyID, d.Status, d.Body)
			}
			if (tt.hidden == "") != (d.Hidden == "") || !strings.Contains(d.Hidden, tt.hidden) {
				t.Fatalf("hidden %q, want %q", d.Hidden, tt.hidden)
			}
			announce := waitSend(t, ctx, r, func(s RelaySend) bool { return s.Inbox == follower.Inbox() && s.Activity["object"] == noteID })
			if announce.Activity["type"] != "Announce" || !objectIs(announce.Activity["to"], r.ActorID()+"/followers") {
				t.Fatalf("to the follower: %v", announce.Activity)
			}
		})
	}
	for _, s := range sentTo(r, origin) {
		if s.Activity["type"] != "Accept" {
			t.Errorf("the relay sent its origin a %v", s.Activity["type"])
		}
	}
}

// relayFollower makes an Application /relay actor of a Directory follow
// the relay actor (the LitePub way) and returns it once accepted.
func relayFollower(t *testing.T, ctx context.Context, r *Relay) *Account {
	t.Helper()
	d := NewDirectory()
	t.Cleanup(d.Close)
	app, _ := d.Add("/relay", StyleMastodon)
	app.mu.Lock()
	app.actorType = "Application"
	app.mu.Unlock()
	follow := map[string]any{"id": app.ID() + "/follow", "type": "Follow", "actor": app.ID(), "object": r.ActorID(),
		"to": []any{r.ActorID()}}
	if status, msg := post(t, ctx, app, r.Inbox(), follow); status != http.StatusAccepted {
		t.Fatalf("Follow of the relay actor: HTTP %d %s", status, msg)
	}
	waitSend(t, ctx, r, func(s RelaySend) bool { return s.Inbox == app.Inbox() && s.Activity["type"] == "Follow" })
	return app
}

// waitSend waits for a POST of the relay matching match.
func waitSend(t *testing.T, ctx context.Context, r *Relay, match func(RelaySend) bool) RelaySend {
	t.Helper()
	for n := 1; ; n++ {
		for _, s := range waitSends(t, ctx, r, n) {
			if match(s) {
				return s
			}
		}
	}
}
