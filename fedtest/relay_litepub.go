package fedtest

import (
	"context"
	"net/http"
	"regexp"
	"strings"
)

// The LitePub relay (Pleroma's ActivityRelay), as its newest source in the
// mirror mastodon-ml/relay does it (quirks a publisher meets, each with its
// file and function):
//
//   - relay/views/activitypub.py InboxData.parse: no Signature header is a
//     400; the message's actor (not the keyId) is fetched with a signed GET
//     and its key must verify the request (401 otherwise), so an activity
//     signed by anyone but its actor (forwarded) fails; an actor that
//     cannot be fetched is a 400, except for a Delete, answered 202 and
//     dropped ("ld signatures aren't handled atm").
//   - handle_inbox: a banned domain gets 403; anything but a Follow from
//     an actor whose shared inbox (endpoints.sharedInbox, else inbox) is
//     not a stored instance gets 401 "access denied", so the relay client
//     actor and the accounts that publish must share one shared inbox. A
//     pending instance passes (get_inbox ignores "accepted").
//   - relay/processors.py handle_follow: reads the follower's NodeInfo
//     software; refuses (Reject) an actor that is not an Application,
//     except Pleroma's or Akkoma's Person at /relay; accepts any object
//     (as:Public or the relay actor); keeps the instance by its shared
//     inbox, where it sends the Accept, and follows back unless the
//     software is "mastodon". The Accept embeds a Follow rebuilt as
//     {id, type, actor, object: the relay actor}, whatever was followed
//     (misc.py Message.new_response). (Two newest stored versions test
//     `if actor_type_check(...)`, which as written refuses Application
//     actors; modelled here as the earlier person_check meant it.)
//   - handle_relay (Create, Announce): an Announce of the object's id, to
//     BASE/followers, to every accepted instance but those on the hosts of
//     the message's id and of the object (distill_inboxes); an object id
//     relayed once is not relayed again (the handle-relay cache). No
//     addressing is checked.
//   - handle_forward (Update, Delete): the message itself, unchanged in
//     content, re-signed by the relay, to the same inboxes, once per id.
//   - handle_undo: an Undo whose object is a bare id raises a TypeError
//     (500); a non-Follow is ignored; an Undo of another than the stored
//     Follow id is ignored; else the instance is removed and an Undo
//     wrapping the received Undo is sent back (Message.new_unfollow).
//   - relay/misc.py: the actor is an Application with a shared inbox;
//     every activity has an id BASE/activities/UUID.

// receiveLitePub checks and handles a POST as the LitePub relay does and
// returns the status and body of its answer.
func (r *Relay) receiveLitePub(ctx context.Context, req *http.Request, body []byte, d *Delivery) (int, string) {
	fail := func(status int, msg string) (int, string) { d.Problem = msg; return status, msg }
	sig := req.Header.Get("Signature")
	if sig == "" {
		return fail(http.StatusBadRequest, "missing signature header")
	}
	if m := keyIDParam.FindStringSubmatch(sig); m != nil {
		d.KeyID = m[1]
	}
	if err := jsonObject(body, &d.Activity); err != nil {
		return fail(http.StatusBadRequest, "failed to parse message")
	}
	actorID := idOf(d.Activity["actor"])
	if actorID == "" {
		return fail(http.StatusBadRequest, "no actor in message")
	}
	actor, err := r.getJSON(ctx, actorID, true)
	if err != nil && d.Type() == "Delete" {
		d.Hidden = "its actor could not be fetched: a Delete is dropped (" + err.Error() + ")"
		return http.StatusAccepted, ""
	} else if err != nil {
		return fail(http.StatusBadRequest, "failed to fetch actor")
	}
	if _, ok := actor["publicKey"].(map[string]any); !ok {
		return fail(http.StatusBadRequest, "actor missing public key")
	}
	if err := verifyWithKey(req, body, actor, false); err != nil {
		return fail(http.StatusUnauthorized, err.Error())
	}
	d.Verified = true
	if r.blocked(hostOf(actorID)) {
		d.Hidden = "banned domain"
		return http.StatusForbidden, "access denied"
	}
	r.mu.Lock()
	inst := r.findInbox(sharedInbox(actor))
	r.mu.Unlock()
	if d.Type() != "Follow" && inst == nil {
		d.Hidden = "Rejected actor for trying to post while not following"
		return http.StatusUnauthorized, "access denied"
	}
	return r.lpProcess(ctx, d, actor, inst)
}

// keyIDParam finds the keyId parameter of a Signature header.
var keyIDParam = regexp.MustCompile(`keyId="([^"]*)"`)

// lpProcess is processors.py run_processor.
func (r *Relay) lpProcess(ctx context.Context, d *Delivery, actor map[string]any, inst *RelaySubscription) (int, string) {
	switch d.Type() {
	case "Create", "Announce":
		objectID := idOf(d.Activity["object"])
		r.lpFanOut(d, "relay "+objectID, r.lpActivity("Announce", []any{r.URL + "/followers"}, objectID))
	case "Update", "Delete":
		r.lpFanOut(d, "relay "+str(d.Activity["id"]), nil)
	case "Follow":
		r.lpFollow(ctx, d, actor)
	case "Undo":
		return r.lpUndo(d, actor, inst)
	default:
		d.Hidden = "message type " + d.Type() + " cannot be handled"
	}
	return http.StatusAccepted, ""
}

// lpFanOut is handle_relay (announce set) and handle_forward (announce
// nil: the message itself): once per cache key, to distill_inboxes.
func (r *Relay) lpFanOut(d *Delivery, cacheKey string, announce map[string]any) {
	r.mu.Lock()
	seen := r.relayed[cacheKey]
	r.relayed[cacheKey] = true
	r.mu.Unlock()
	if seen {
		d.Hidden = "already relayed: " + strings.TrimPrefix(cacheKey, "relay ")
		return
	}
	var sends []outgoing
	for _, s := range r.accepted(hostOf(str(d.Activity["id"]))) {
		if s.Host == hostOf(idOf(d.Activity["object"])) {
			continue
		}
		if announce != nil {
			sends = append(sends, out(s.Inbox, announce))
		} else {
			sends = append(sends, outgoing{inbox: s.Inbox, body: d.Body})
		}
	}
	r.deliver(sends...)
}

// lpFollow is handle_follow.
func (r *Relay) lpFollow(ctx context.Context, d *Delivery, actor map[string]any) {
	actorID := str(actor["id"])
	software := r.nodeInfoSoftware(ctx, actorID)
	inbox := sharedInbox(actor)
	isRelay := (software == "akkoma" || software == "pleroma") && pathOf(actorID) == "/relay"
	if str(actor["type"]) != "Application" && !isRelay {
		d.Hidden = "Non-application actor tried to follow: Reject sent"
		r.deliver(out(inbox, r.lpResponse(actorID, str(d.Activity["id"]), false)))
		return
	}
	sub := RelaySubscription{Host: hostOf(actorID), Actor: actorID, FollowID: str(d.Activity["id"]), Inbox: inbox,
		Protocol: "litepub", Software: software}
	if objectIs(d.Activity["object"], publicCollection) {
		sub.Protocol = "mastodon"
	}
	r.dropSub(sub.Host, "") // put_inbox keeps one row per domain, updated by a new Follow
	if r.opts.ManuallyAccept {
		r.putSub(sub)
		d.Hidden = "pending: the admin must accept it"
		return
	}
	sub.Accepted, sub.FollowedBack = true, software != "mastodon"
	r.putSub(sub)
	r.deliver(r.lpWelcome(sub)...)
}

// lpWelcome is the Accept and, unless the software is Mastodon, the Follow
// back that an accepted instance gets.
func (r *Relay) lpWelcome(sub RelaySubscription) []outgoing {
	sends := []outgoing{out(sub.Inbox, r.lpResponse(sub.Actor, sub.FollowID, true))}
	if sub.FollowedBack {
		sends = append(sends, out(sub.Inbox, r.lpActivity("Follow", []any{sub.Actor}, sub.Actor)))
	}
	return sends
}

// lpUndo is handle_undo.
func (r *Relay) lpUndo(d *Delivery, actor map[string]any, inst *RelaySubscription) (int, string) {
	obj, ok := d.Activity["object"].(map[string]any)
	if !ok {
		d.Hidden = "Undo of a bare id: TypeError in handle_undo (message.object['type'])"
		return http.StatusInternalServerError, "Internal Server Error"
	}
	switch {
	case str(obj["type"]) != "Follow":
		d.Hidden = "Undo of a " + str(obj["type"]) + ": ignored"
	case inst.FollowID != "" && inst.FollowID != str(obj["id"]):
		d.Hidden = "Undo of another Follow than the stored " + inst.FollowID + ": ignored"
	default:
		r.dropSub(inst.Host, "")
		r.deliver(out(sharedInbox(actor), r.lpActivity("Undo", []any{str(actor["id"])}, d.Activity)))
	}
	return http.StatusAccepted, ""
}

// lpResponse is Message.new_response: Accept or Reject embedding a Follow
// rebuilt as {id, type, object: the relay actor, actor}.
func (r *Relay) lpResponse(actor, followID string, accept bool) map[string]any {
	typ := map[bool]string{true: "Accept", false: "Reject"}[accept]
	return r.lpActivity(typ, []any{actor}, map[string]any{"id": followID, "type": "Follow",
		"object": r.ActorID(), "actor": actor})
}

// lpActivity is an activity of the relay actor as relay/misc.py makes them.
func (r *Relay) lpActivity(typ string, to []any, object any) map[string]any {
	return map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": r.URL + "/activities/" + newUUID(),
		"type": typ, "to": to, "actor": r.ActorID(), "object": object}
}

// nodeInfoSoftware is http_client.py fetch_nodeinfo: the software name of
// the actor's server from its NodeInfo 2.0 or 2.1, "" when there is none
// (what the relay then does is unverified: it may fail the Follow).
func (r *Relay) nodeInfoSoftware(ctx context.Context, actorID string) string {
	wk, err := r.getJSON(ctx, originOf(actorID)+"/.well-known/nodeinfo", false)
	if err != nil {
		return ""
	}
	href := ""
	for _, l := range list(wk["links"]) {
		link, _ := l.(map[string]any)
		if rel := str(link["rel"]); strings.HasSuffix(rel, "/schema/2.0") || strings.HasSuffix(rel, "/schema/2.1") {
			href = str(link["href"])
		}
	}
	if href == "" {
		return ""
	}
	ni, err := r.getJSON(ctx, href, false)
	if err != nil {
		return ""
	}
	sw, _ := ni["software"].(map[string]any)
	return strings.ToLower(str(sw["name"]))
}

// supportsHS2019 is http_client.py SUPPORTS_HS2019 as Python reads it:
// 'hubzilla' 'mastodon' (no comma) is one string, so Mastodon is not in.
var supportsHS2019 = map[string]bool{"friendica": true, "gotosocial": true, "hubzillamastodon": true, "socialhome": true,
	"misskey": true, "catodon": true, "cherrypick": true, "firefish": true, "foundkey": true, "iceshrimp": true, "sharkey": true}

// litePubAlgorithm is the algorithm label the LitePub relay signs a POST
// to inbox with: hs2019 for the instance's software in SUPPORTS_HS2019.
func (r *Relay) litePubAlgorithm(inbox string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.findInbox(inbox); s != nil && supportsHS2019[s.Software] {
		return "hs2019"
	}
	return "rsa-sha256"
}
