package fedtest

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestActivityRelayAkkomaKeyID: Activity-Relay signs with keyId = its
// actor id; Mastodon takes that actor's key (FetchRemoteKeyService), Akkoma
// wants the key id of the document byte for byte
// (fetch_and_contain_remote_key) and refuses the relay's Accept with 400,
// so an Akkoma never learns that it subscribed.
func TestActivityRelayAkkomaKeyID(t *testing.T) {
	ctx := testContext(t)
	r := newTestRelay(t, RelayOptions{Software: ActivityRelay})
	k := newTestPeer(t, StyleAkkoma)
	follow, err := k.subscribeRelay(ctx, r.Inbox(), r.ActorID())
	if err != nil {
		t.Fatal(err)
	}
	d := await(t, ctx, k, "Accept", follow)
	if d.Path != "/relay/inbox" || d.Status != http.StatusBadRequest || !strings.Contains(d.Problem, "publishes key") {
		t.Fatalf("Akkoma answered the Accept at %s with %d (%s)", d.Path, d.Status, d.Problem)
	}
	if s := subscription(t, r, k.Host()); !s.Accepted || s.Protocol != "litepub" || !s.FollowedBack {
		t.Fatalf("the relay's side: %+v", s)
	}
}

// TestActivityRelayAnnounceOfNote: a LitePub follower's Announce of a Note
// fails with 400, as Activity-Relay fetches the object as an activity and
// then its actor, which a Note lacks (fetchOriginalActivityFromURL).
func TestActivityRelayAnnounceOfNote(t *testing.T) {
	ctx := testContext(t)
	r := newTestRelay(t, RelayOptions{Software: ActivityRelay})
	app := relayFollower(t, ctx, r)
	note := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": app.dir.URL + "/notes/1",
		"type": "Note", "attributedTo": app.dir.URL + "/users/news", "content": "<p>Hi</p>", "to": []any{publicCollection}}
	if err := app.dir.Publish("/notes/1", note); err != nil {
		t.Fatal(err)
	}
	announce := map[string]any{"id": app.ID() + "/announces/1", "type": "Announce", "actor": app.ID(),
		"object": note["id"], "to": []any{app.ID() + "/followers"}, "published": time.Now().UTC().Format(time.RFC3339)}
	status, msg := post(t, ctx, app, r.Inbox(), announce)
	if status != http.StatusBadRequest || !strings.Contains(msg, "unsupported protocol scheme") {
		t.Fatalf("HTTP %d %q, want 400: the Note has no actor", status, msg)
	}
}

// TestActivityRelayUndo: an Undo embedding the Follow ends a subscription;
// one naming the Follow by id is answered 202 and changes nothing
// (UnwrapInnerActivity).
func TestActivityRelayUndo(t *testing.T) {
	ctx := testContext(t)
	r := newTestRelay(t, RelayOptions{Software: ActivityRelay})
	m := newTestPeer(t, StyleMastodon)
	subscribe(t, ctx, r, m)
	follow := subscription(t, r, m.Host()).FollowID
	bare := map[string]any{"id": follow + "/undo1", "type": "Undo", "actor": m.Instance.ID(), "object": follow}
	if status, _ := post(t, ctx, m.Instance, r.Inbox(), bare); status != http.StatusAccepted || len(r.Subscriptions()) != 1 {
		t.Fatalf("Undo of the id: HTTP %d, subscriptions %+v", status, r.Subscriptions())
	}
	embedded := map[string]any{"id": follow + "/undo2", "type": "Undo", "actor": m.Instance.ID(),
		"object": map[string]any{"id": follow, "type": "Follow", "actor": m.Instance.ID(), "object": publicCollection}}
	if status, _ := post(t, ctx, m.Instance, r.Inbox(), embedded); status != http.StatusAccepted || len(r.Subscriptions()) != 0 {
		t.Fatalf("Undo of the Follow: HTTP %d, subscriptions %+v", status, r.Subscriptions())
	}
}

// TestActivityRelayNoEndpoints: a Follow of as:Public by an actor without
// endpoints makes Activity-Relay's handler panic after queueing the
// Accept: the connection drops and no subscription is kept.
func TestActivityRelayNoEndpoints(t *testing.T) {
	ctx := testContext(t)
	r := newTestRelay(t, RelayOptions{Software: ActivityRelay})
	d := NewDirectory()
	t.Cleanup(d.Close)
	bare := named(StyleMastodon, "no-shared-inbox")
	bare.NoSharedInbox = true
	a, _ := d.Add("/actor", bare)
	body := []byte(`{"id":"` + a.ID() + `/follow","type":"Follow","actor":"` + a.ID() + `","object":"` + publicCollection + `"}`)
	if resp, err := a.Post(ctx, r.Inbox(), body, time.Now(), nil); err == nil {
		resp.Body.Close()
		t.Fatalf("HTTP %d, want the connection dropped", resp.StatusCode)
	}
	waitSend(t, ctx, r, func(s RelaySend) bool { return s.Inbox == a.Inbox() && s.Activity["type"] == "Accept" })
	if got := r.Received(); len(r.Subscriptions()) != 0 || len(got) != 1 || !strings.Contains(got[0].Hidden, "panicked") {
		t.Fatalf("subscriptions %+v, received %+v", r.Subscriptions(), got)
	}
}
