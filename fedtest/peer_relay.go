package fedtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// peerRelay is a relay the peer's server subscribed to.
type peerRelay struct {
	inbox  string // the relay inbox an admin configured (Mastodon's Relay#inbox_url); "" for LitePub
	actor  string // the relay actor followed (LitePub), or the one that accepted
	follow string // the id of the Follow sent
	state  string // "pending", "accepted" or "rejected"
}

// subscribeRelay makes the peer's server subscribe to a relay as its
// software does, and returns the Follow's id:
//
//   - Mastodon (app/models/relay.rb enable! and follow_activity): its
//     instance actor (Account.representative) POSTs {id: BASE/UUID, type:
//     Follow, actor, object: as:Public} to the inbox URL the admin typed;
//     the Accept whose object is that id enables the relay
//     (app/lib/activitypub/activity/accept.rb accept_follow_for_relay);
//   - Pleroma and Akkoma (lib/pleroma/web/activity_pub/relay.ex follow):
//     the Application actor BASE/relay fetches the relay actor the admin
//     named and follows it like a user would (CommonAPI.follow): object and
//     to the relay actor, LitePub context, state "pending".
func (p *Peer) subscribeRelay(ctx context.Context, inbox, actor string) (string, error) {
	id := p.URL + "/" + newUUID()
	switch p.Style.software() {
	case "mastodon":
		follow := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "Follow",
			"actor": p.Instance.ID(), "object": publicCollection}
		return id, p.followRelay(ctx, p.Instance, inbox, follow, &peerRelay{inbox: inbox, follow: id})
	case "akkoma":
		relay, err := p.relayActor()
		if err != nil {
			return "", err
		}
		status, doc, err := p.Fetch(ctx, actor)
		if err != nil || status != http.StatusOK {
			return "", fmt.Errorf("fetch relay actor %s: HTTP %d %v", actor, status, err)
		}
		id = p.URL + "/activities/" + newUUID()
		follow := map[string]any{"@context": []any{"https://www.w3.org/ns/activitystreams",
			p.URL + "/schemas/litepub-0.1.jsonld", map[string]any{"@language": "und"}},
			"id": id, "type": "Follow", "actor": relay.ID(), "object": actor, "to": []any{actor},
			"cc": []any{}, "bto": []any{}, "bcc": []any{}, "state": "pending"}
		return id, p.followRelay(ctx, relay, str(doc["inbox"]), follow, &peerRelay{actor: actor, follow: id})
	}
	return "", fmt.Errorf("%s: how it subscribes to relays is not modelled", p.Style.Name)
}

// followRelay records rel as pending and POSTs follow to inbox, signed by a.
func (p *Peer) followRelay(ctx context.Context, a *Account, inbox string, follow map[string]any, rel *peerRelay) error {
	body, err := json.Marshal(follow)
	if err != nil {
		return err
	}
	rel.state = "pending"
	p.mu.Lock()
	p.relays = append(p.relays, rel)
	p.mu.Unlock()
	resp, err := a.Post(ctx, inbox, body, time.Now(), nil)
	if err != nil {
		return fmt.Errorf("follow relay at %s: %w", inbox, err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("follow relay at %s: HTTP %d", inbox, resp.StatusCode)
	}
	return nil
}

// relayActor is Pleroma's and Akkoma's relay actor, BASE/relay, of type
// Application (relay.ex: @nickname "relay", @actor_type "Application").
func (p *Peer) relayActor() (*Account, error) {
	a, err := p.Add("/relay", p.Style)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.actorType, a.name = "Application", "relay"
	a.mu.Unlock()
	return a, nil
}

// waitRelay waits until the relay answered the Follow follow with an
// Accept (nil) or a Reject (an error).
func (p *Peer) waitRelay(ctx context.Context, follow string) error {
	d, err := p.WaitFor(ctx, func(d Delivery) bool {
		return (d.Type() == "Accept" || d.Type() == "Reject") && idOf(d.Activity["object"]) == follow
	})
	if err != nil {
		return fmt.Errorf("relay answer to %s: %w", follow, err)
	}
	if d.Type() == "Reject" {
		return fmt.Errorf("relay rejected %s: %s", follow, d.Body)
	}
	return nil
}

// relayAnswer applies an Accept or Reject of a relay Follow (Mastodon
// accept.rb accept_follow_for_relay, reject.rb reject_follow_for_relay:
// found by the object's id, embedded or not). It reports false for any
// other activity. p.mu must be held.
func (p *Peer) relayAnswer(d Delivery) (string, bool) {
	if d.Type() != "Accept" && d.Type() != "Reject" {
		return "", false
	}
	for _, rel := range p.relays {
		if rel.follow == idOf(d.Activity["object"]) {
			rel.state = map[string]string{"Accept": "accepted", "Reject": "rejected"}[d.Type()]
			if rel.actor == "" {
				rel.actor = str(d.Activity["actor"])
			}
			return "", true
		}
	}
	return "", false
}

// enabledRelay reports whether actor is a relay the server subscribed to
// and that accepted: the actor followed (LitePub), or an actor whose inbox
// is the inbox URL configured (Mastodon's requested_through_relay?:
// Relay.find_by(inbox_url: actor.inbox_url)&.enabled?). p.mu must be held.
func (p *Peer) enabledRelay(actor string) bool {
	for _, rel := range p.relays {
		if rel.state == "accepted" && (rel.actor == actor || (rel.inbox != "" && rel.inbox == p.inboxes[actor])) {
			return true
		}
	}
	return false
}

// followsActor reports whether the user followed actor. p.mu must be held.
func (p *Peer) followsActor(actor string) bool {
	for _, target := range p.follows {
		if target == actor {
			return true
		}
	}
	return false
}

// foreignSigner returns the owner of the key that signed the request when
// that is not the activity's actor: the activity was forwarded (by a
// relay); "" otherwise.
func (p *Peer) foreignSigner(keyID string, activity map[string]any) string {
	p.mu.Lock()
	owner := p.owners[keyID]
	p.mu.Unlock()
	if actor := str(activity["actor"]); owner == "" || actor == "" || owner == actor {
		return ""
	}
	return owner
}
