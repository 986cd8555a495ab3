package fedtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
)

// AddSubscriber makes p's server subscribe to the relay the way its
// software does (Mastodon: its instance actor follows as:Public at the
// relay's inbox; Akkoma and Pleroma: their BASE/relay actor follows the
// relay actor) and, unless the relay accepts manually, waits until p got
// the relay's Accept; a Reject is an error. Only Mastodon and Akkoma
// styles subscribe. p then receives what the relay relays, and tells
// relayed activities apart (Delivery.RelayedBy). An Akkoma peer refuses
// Activity-Relay's Accept (its keyId is no key id), so with Activity-Relay
// the call fails when ctx ends, as the subscription never completes there.
func (r *Relay) AddSubscriber(ctx context.Context, p *Peer) error {
	follow, err := p.subscribeRelay(ctx, r.Inbox(), r.ActorID())
	if err != nil || r.opts.ManuallyAccept {
		return err
	}
	return p.waitRelay(ctx, follow)
}

// Approve accepts the pending Follow of host (host:port) as the relay's
// admin does, and returns once the relay sent its answer. Activity-Relay
// (control/follow.go createFollowRequestResponse): an Accept embedding the
// Follow rebuilt from what was stored (@context, id, actor, type, object),
// sent to the inbox stored with the request (the shared inbox for a
// Follow of as:Public, not the actor's inbox the automatic Accept goes
// to), and a Follow back for a follower of the relay actor. The LitePub
// relay (views/api.py, the request route; relay/manage.py request
// accept): its Accept and, unless the software is Mastodon, a Follow back,
// to the stored shared inbox.
func (r *Relay) Approve(ctx context.Context, host string) error { return r.answer(ctx, host, true) }

// Reject refuses the pending Follow of host, as Approve accepts it: the
// request is dropped and a Reject sent to the same inbox.
func (r *Relay) Reject(ctx context.Context, host string) error { return r.answer(ctx, host, false) }

// answer applies the admin's answer to host's pending request.
func (r *Relay) answer(ctx context.Context, host string, accept bool) error {
	r.mu.Lock()
	var sub *RelaySubscription
	for _, s := range r.subs {
		if s.Host == host && !s.Accepted {
			sub = s
		}
	}
	if sub == nil {
		r.mu.Unlock()
		return fmt.Errorf("no pending follow request for [%s]", host)
	}
	if accept {
		sub.Accepted = true
		sub.FollowedBack = sub.Protocol == "litepub"
		if r.opts.Software == LitePubRelay {
			sub.FollowedBack = sub.Software != "mastodon"
		}
	} else {
		r.subs = slices.DeleteFunc(r.subs, func(s *RelaySubscription) bool { return s == sub })
	}
	s := *sub
	r.mu.Unlock()
	for _, o := range r.answerSends(s, accept) {
		r.post(ctx, o.inbox, o.body)
	}
	return nil
}

// answerSends is what the relay sends when the admin answers s.
func (r *Relay) answerSends(s RelaySubscription, accept bool) []outgoing {
	typ := map[bool]string{true: "Accept", false: "Reject"}[accept]
	if r.opts.Software == LitePubRelay {
		if !accept {
			return []outgoing{out(s.Inbox, r.lpResponse(s.Actor, s.FollowID, false))}
		}
		return r.lpWelcome(s)
	}
	object := publicCollection
	if s.Protocol == "litepub" {
		object = r.ActorID()
	}
	stored := map[string]any{"@context": []any{"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"},
		"id": s.FollowID, "actor": s.Actor, "type": "Follow", "object": object}
	sends := []outgoing{out(s.Inbox, r.arReply(stored, typ))}
	if accept && s.FollowedBack {
		sends = append(sends, out(s.Inbox, r.arActivity("Follow", []any{s.Actor}, s.Actor)))
	}
	return sends
}

// putSub stores s, replacing the one of the same host and protocol.
func (r *Relay) putSub(s RelaySubscription) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old := r.findSub(s.Host, s.Protocol); old != nil {
		*old = s
		return
	}
	r.subs = append(r.subs, &s)
}

// dropSub removes host's subscription of protocol ("" is any).
func (r *Relay) dropSub(host, protocol string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subs = slices.DeleteFunc(r.subs, func(s *RelaySubscription) bool {
		return s.Host == host && (protocol == "" || s.Protocol == protocol)
	})
}

// findSub returns host's subscription of protocol ("" is any), or nil.
// r.mu must be held.
func (r *Relay) findSub(host, protocol string) *RelaySubscription {
	for _, s := range r.subs {
		if s.Host == host && (protocol == "" || s.Protocol == protocol) {
			return s
		}
	}
	return nil
}

// findInbox returns the subscription delivered at inbox, pending or not,
// or nil. r.mu must be held.
func (r *Relay) findInbox(inbox string) *RelaySubscription {
	for _, s := range r.subs {
		if s.Inbox == inbox {
			return s
		}
	}
	return nil
}

// accepted returns copies of the accepted subscriptions of the given
// protocols (all when none), but those of host exclude.
func (r *Relay) accepted(exclude string, protocols ...string) []RelaySubscription {
	r.mu.Lock()
	defer r.mu.Unlock()
	var subs []RelaySubscription
	for _, s := range r.subs {
		if s.Accepted && s.Host != exclude && (len(protocols) == 0 || slices.Contains(protocols, s.Protocol)) {
			subs = append(subs, *s)
		}
	}
	return subs
}

// isMember reports whether host is an accepted subscriber or follower.
func (r *Relay) isMember(host string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.findSub(host, "")
	return s != nil && s.Accepted
}

// addressees are the to and cc of an activity, as strings (models.Activity
// reads a string or an array of strings).
func addressees(activity map[string]any) []string {
	var out []string
	for _, k := range []string{"to", "cc"} {
		for _, v := range strings1(activity[k]) {
			out = append(out, v.(string))
		}
	}
	return out
}

// strings1 is v as a list of its string elements (a string is a list of one).
func strings1(v any) []any {
	var out []any
	for _, e := range list(v) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// objectIs reports whether v is target or a list holding it (Activity-Relay's contains).
func objectIs(v any, target string) bool {
	for _, e := range list(v) {
		if e == target {
			return true
		}
	}
	return false
}

// innerActivity is UnwrapInnerActivity: the embedded object, when it has a
// string id, type and actor and an object.
func innerActivity(activity map[string]any) (map[string]any, bool) {
	inner, _ := activity["object"].(map[string]any)
	if inner == nil || str(inner["id"]) == "" || str(inner["type"]) == "" || str(inner["actor"]) == "" || inner["object"] == nil {
		return nil, false
	}
	return inner, true
}

// sharedInbox is an actor's endpoints.sharedInbox, else its inbox.
func sharedInbox(actor map[string]any) string {
	if ep, _ := actor["endpoints"].(map[string]any); str(ep["sharedInbox"]) != "" {
		return str(ep["sharedInbox"])
	}
	return str(actor["inbox"])
}

// jsonObject decodes a JSON object.
func jsonObject(body []byte, v *map[string]any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return err
	}
	if *v == nil {
		return errors.New("not a JSON object")
	}
	return nil
}

// pathOf is the path of URL u.
func pathOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Path
}

// originOf is the scheme and host of URL u.
func originOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Scheme + "://" + p.Host
}
