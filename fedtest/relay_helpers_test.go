package fedtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"
)

// newTestRelay starts a relay, closed at the test's end.
func newTestRelay(t *testing.T, opts RelayOptions) *Relay {
	t.Helper()
	r, err := NewRelay(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// testContext is a context that ends with the test or after 20 s.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// subscribe makes p subscribe to r and waits for the Accept.
func subscribe(t *testing.T, ctx context.Context, r *Relay, p *Peer) {
	t.Helper()
	if err := r.AddSubscriber(ctx, p); err != nil {
		t.Fatalf("%s subscribing to %s: %v", p.Style.Name, r.Software(), err)
	}
}

// post POSTs activity to inbox signed by a, returns the status and body.
func post(t *testing.T, ctx context.Context, a *Account, inbox string, activity map[string]any) (int, string) {
	t.Helper()
	body, err := json.Marshal(activity)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := a.Post(ctx, inbox, body, time.Now(), nil)
	if err != nil {
		t.Fatalf("POST %s: %v", inbox, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(msg)
}

// publishNote publishes a public Note of p's user at p, numbered n, and
// returns its id and its Create.
func publishNote(t *testing.T, p *Peer, n int) (string, map[string]any) {
	t.Helper()
	path := fmt.Sprintf("/notes/%d", n)
	id := p.URL + path
	followers := p.User.ID() + "/followers"
	note := map[string]any{"id": id, "type": "Note", "attributedTo": p.User.ID(),
		"content": fmt.Sprintf("<p>Note %d</p>", n), "published": "2025-01-02T03:04:05Z",
		"to": []any{publicCollection}, "cc": []any{followers}}
	doc := map[string]any{"@context": "https://www.w3.org/ns/activitystreams"}
	for k, v := range note {
		doc[k] = v
	}
	if err := p.Publish(path, doc); err != nil {
		t.Fatal(err)
	}
	return id, map[string]any{"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id": id + "/activity", "type": "Create", "actor": p.User.ID(), "published": "2025-01-02T03:04:05Z",
		"to": []any{publicCollection}, "cc": []any{followers}, "object": note}
}

// ldSigned is activity with an LD signature by a.
func ldSigned(t *testing.T, a *Account, activity map[string]any) map[string]any {
	t.Helper()
	a.mu.Lock()
	key := a.key
	a.mu.Unlock()
	signed, err := SignLD(activity, a.KeyID(), key, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// await waits for a delivery to p of type typ whose object (or object id)
// is object ("" matches any).
func await(t *testing.T, ctx context.Context, p *Peer, typ, object string) Delivery {
	t.Helper()
	d, err := p.WaitFor(ctx, func(d Delivery) bool {
		return d.Type() == typ && (object == "" || idOf(d.Activity["object"]) == object)
	})
	if err != nil {
		t.Fatalf("%s waiting for a %s of %q: %v", p.Style.Name, typ, object, err)
	}
	return d
}

// sentTo returns the relay's POSTs to inboxes on p's host.
func sentTo(r *Relay, p *Peer) []RelaySend {
	var out []RelaySend
	for _, s := range r.Sent() {
		if hostOf(s.Inbox) == p.Host() {
			out = append(out, s)
		}
	}
	return out
}

// subscription returns r's subscription of host, failing the test without one.
func subscription(t *testing.T, r *Relay, host string) RelaySubscription {
	t.Helper()
	for _, s := range r.Subscriptions() {
		if s.Host == host {
			return s
		}
	}
	t.Fatalf("no subscription of %s among %+v", host, r.Subscriptions())
	return RelaySubscription{}
}
