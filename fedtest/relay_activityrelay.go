package fedtest

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/go-fed/httpsig"
)

// Activity-Relay, as its newest upstream source does it (quirks a
// publisher meets, each with its file and function):
//
//   - api/decode.go decodeActivity: the keyId URL is fetched as is, with a
//     GET signed by the relay, and its publicKey.publicKeyPem checks the
//     signature over whatever headers it covers, with no Date window; the
//     Digest must be the body's SHA-256; then the activity's actor is
//     fetched. The key's owner is never compared to the actor. Any failure
//     is a 400 with an empty body.
//   - api/handle.go handleInbox: the route is chosen by addressing. With
//     as:Public in to or cc ("Mastodon Traditional Style"), only Create,
//     Update, Delete and Move are relayed; anything else (an Announce to
//     Public, a Follow to Public) is answered 202 and dropped. With the
//     relay actor, or the followers collection of a LitePub follower, in to
//     or cc ("LitePub Relay Style"): Follow, Undo, Accept, Reject and
//     Announce. Otherwise only Follow and Undo.
//   - api/resolver.go executeFollowing: a blocked host gets a Reject; a
//     Follow of as:Public subscribes the host with its actor's
//     endpoints.sharedInbox (Accept sent to the actor's own inbox), and an
//     actor without endpoints makes the handler panic (models.Actor's
//     Endpoints is a pointer): the Accept is already queued, the
//     subscription is not stored, the connection is dropped. A Follow of
//     the relay actor is accepted only from an Application actor or one
//     whose path ends in /relay (isActorAbleToBeFollower), which then gets
//     a Follow back (executeMutuallyFollow); any other Follow is Rejected
//     ("only https://www.w3.org/ns/activitystreams#Public is allowed to
//     follow").
//   - models/models.go GenerateReply: the Accept or Reject embeds the
//     Follow as the relay parsed it (@context, id, actor, type, object,
//     to, cc only), is addressed to the actor, id ACTOR/activities/UUID.
//   - api/resolver.go executeRelayActivity: the actor's host must be a
//     subscriber or follower, else 401 "to use the relay service, please
//     follow in advance"; the body goes unchanged to every other
//     subscriber, and an Announce of the object's id, to
//     ACTOR/followers, to every other follower. Hosts are compared, so
//     nothing goes back to the origin.
//   - api/handle.go (LitePub branch) Announce: the object, a string, is
//     fetched unsigned as an activity and its "actor" fetched
//     (fetchOriginalActivityFromURL); a Note has no actor, so an Announce
//     of a Note fails with 400; an embedded object is skipped.
//   - api/handle.go Undo: only an Undo embedding the Follow (id, type,
//     actor, object) counts (UnwrapInnerActivity); a bare id is a 202
//     that changes nothing.
//   - deliver/deliver.go: it signs with keyId = the actor id, no fragment.

// receiveActivityRelay checks and routes a POST as Activity-Relay does and
// returns the status and body of its answer.
func (r *Relay) receiveActivityRelay(ctx context.Context, req *http.Request, body []byte, d *Delivery) (int, string) {
	actor, problem := r.decodeActivityRelay(ctx, req, body, d)
	if problem != "" {
		d.Problem = problem
		return http.StatusBadRequest, ""
	}
	d.Verified = true
	to := addressees(d.Activity)
	switch {
	case slices.Contains(to, publicCollection):
		switch d.Type() {
		case "Create", "Update", "Delete", "Move":
			return r.arRelay(d, actor)
		}
		d.Hidden = "addressed to as:Public but no Create, Update, Delete or Move: dropped (handleInbox, traditional style)"
		return http.StatusAccepted, ""
	case slices.Contains(to, r.ActorID()) || r.toFollowers(to):
		return r.arLitePub(ctx, d, actor)
	case d.Type() == "Follow":
		return r.arFollow(d, actor)
	case d.Type() == "Undo":
		return r.arUndo(d, actor)
	}
	d.Hidden = "neither public nor addressed to the relay: only Follow and Undo are read (handleInbox)"
	return http.StatusAccepted, ""
}

// decodeActivityRelay is api/decode.go decodeActivity; it returns the
// activity's actor document, or the problem.
func (r *Relay) decodeActivityRelay(ctx context.Context, req *http.Request, body []byte, d *Delivery) (map[string]any, string) {
	clone := req.Clone(ctx)
	clone.Header = withHost(req)
	v, err := httpsig.NewVerifier(clone)
	if err != nil {
		return nil, "no usable signature: " + err.Error()
	}
	d.KeyID = v.KeyId()
	keyDoc, err := r.getJSON(ctx, d.KeyID, true)
	if err != nil {
		return nil, "fetch key: " + err.Error()
	}
	if err := verifyWithKey(req, body, keyDoc, true); err != nil {
		return nil, err.Error()
	}
	if err := jsonObject(body, &d.Activity); err != nil {
		return nil, err.Error()
	}
	actor, err := r.getJSON(ctx, str(d.Activity["actor"]), true)
	if err != nil {
		return nil, "fetch actor: " + err.Error()
	}
	return actor, ""
}

// arLitePub handles what is addressed to the relay actor or a follower's
// followers collection (handleInbox, "LitePub Relay Style").
func (r *Relay) arLitePub(ctx context.Context, d *Delivery, actor map[string]any) (int, string) {
	switch d.Type() {
	case "Follow":
		return r.arFollow(d, actor)
	case "Undo":
		return r.arUndo(d, actor)
	case "Accept", "Reject":
		r.arFinalize(d, actor)
		return http.StatusAccepted, ""
	case "Announce":
		return r.arAnnounce(ctx, d, actor)
	}
	d.Hidden = "a " + d.Type() + " addressed to the relay: dropped"
	return http.StatusAccepted, ""
}

// arFollow is executeFollowing (with executeRejectRequest on failure).
func (r *Relay) arFollow(d *Delivery, actor map[string]any) (int, string) {
	host := hostOf(str(actor["id"]))
	switch {
	case r.blocked(host):
		d.Hidden = host + " is blocked: Reject sent"
	case objectIs(d.Activity["object"], publicCollection):
		return r.arSubscribe(d, actor, "mastodon")
	case objectIs(d.Activity["object"], r.ActorID()) && ableToBeFollower(actor):
		return r.arSubscribe(d, actor, "litepub")
	default:
		d.Hidden = "only https://www.w3.org/ns/activitystreams#Public is allowed to follow: Reject sent"
	}
	r.deliver(out(str(actor["inbox"]), r.arReply(d.Activity, "Reject")))
	return http.StatusAccepted, ""
}

// ableToBeFollower is isActorAbleToBeFollower: an Application, or an
// actor whose path ends in /relay.
func ableToBeFollower(actor map[string]any) bool {
	return str(actor["type"]) == "Application" || strings.HasSuffix(pathOf(str(actor["id"])), "/relay")
}

// arSubscribe stores a subscriber ("mastodon", delivered at its
// sharedInbox) or a follower ("litepub", at its inbox, followed back),
// pending or accepted with an Accept sent to the actor's inbox.
func (r *Relay) arSubscribe(d *Delivery, actor map[string]any, protocol string) (int, string) {
	endpoints, hasEndpoints := actor["endpoints"].(map[string]any)
	sub := RelaySubscription{Host: hostOf(str(actor["id"])), Actor: str(actor["id"]), FollowID: str(d.Activity["id"]),
		Inbox: str(actor["inbox"]), Protocol: protocol}
	if protocol == "mastodon" {
		sub.Inbox = str(endpoints["sharedInbox"])
	}
	const panicked = "the actor has no endpoints (models.Actor.Endpoints is nil in executeFollowing): handler panicked, connection dropped"
	if r.opts.ManuallyAccept {
		if protocol == "mastodon" && !hasEndpoints {
			d.Hidden = panicked
			return abortStatus, ""
		}
		r.putSub(sub)
		d.Hidden = "pending: the admin must accept it"
		return http.StatusAccepted, ""
	}
	sends := []outgoing{out(str(actor["inbox"]), r.arReply(d.Activity, "Accept"))}
	if protocol == "mastodon" && !hasEndpoints {
		r.deliver(sends...)
		d.Hidden = panicked + " after the Accept was queued"
		return abortStatus, ""
	}
	sub.Accepted = true
	if protocol == "litepub" {
		sub.FollowedBack = true
		sends = append(sends, out(sub.Inbox, r.arActivity("Follow", []any{sub.Actor}, sub.Actor)))
	}
	r.putSub(sub)
	r.deliver(sends...)
	return http.StatusAccepted, ""
}

// arUndo is the Undo branch with executeUnfollowing: only an embedded
// Follow counts; it removes the sender's host.
func (r *Relay) arUndo(d *Delivery, actor map[string]any) (int, string) {
	inner, ok := innerActivity(d.Activity)
	if !ok || str(inner["type"]) != "Follow" {
		d.Hidden = "Undo without an embedded Follow (UnwrapInnerActivity): nothing changes"
		return http.StatusAccepted, ""
	}
	host := hostOf(str(actor["id"]))
	switch {
	case objectIs(inner["object"], publicCollection):
		r.dropSub(host, "mastodon")
	case objectIs(inner["object"], r.ActorID()) && ableToBeFollower(actor):
		r.dropSub(host, "litepub")
	default:
		d.Hidden = "only https://www.w3.org/ns/activitystreams#Public is allowed to unfollow: Reject sent"
		r.deliver(out(str(actor["inbox"]), r.arReply(d.Activity, "Reject")))
	}
	return http.StatusAccepted, ""
}

// arFinalize is finalizeMutuallyFollow: an Accept (or Reject) embedding
// the relay's Follow of the sender marks the follower's MutualFollow.
func (r *Relay) arFinalize(d *Delivery, actor map[string]any) {
	inner, ok := innerActivity(d.Activity)
	if !ok || str(inner["type"]) != "Follow" || str(inner["actor"]) != r.ActorID() || !objectIs(inner["object"], str(actor["id"])) {
		d.Hidden = d.Type() + " that does not embed the relay's Follow of its sender (UnwrapInnerActivity): nothing changes"
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.findSub(hostOf(str(actor["id"])), "litepub"); s != nil && s.Accepted {
		s.MutualFollow = d.Type() == "Accept"
	}
}

// arRelay is executeRelayActivity.
func (r *Relay) arRelay(d *Delivery, actor map[string]any) (int, string) {
	host := hostOf(str(actor["id"]))
	if !r.isMember(host) {
		const msg = "to use the relay service, please follow in advance"
		d.Hidden = msg
		return http.StatusUnauthorized, msg
	}
	var sends []outgoing
	for _, s := range r.accepted(host, "mastodon") {
		sends = append(sends, outgoing{inbox: s.Inbox, body: d.Body})
	}
	if id := idOf(d.Activity["object"]); id != "" {
		announce := r.arActivity("Announce", []any{r.ActorID() + "/followers"}, id)
		for _, s := range r.accepted(host, "litepub") {
			sends = append(sends, out(s.Inbox, announce))
		}
	}
	r.deliver(sends...)
	return http.StatusAccepted, ""
}

// arAnnounce is the LitePub branch's Announce (fetchOriginalActivityFromURL,
// executeAnnounceActivity).
func (r *Relay) arAnnounce(ctx context.Context, d *Delivery, actor map[string]any) (int, string) {
	if !r.isMember(hostOf(str(actor["id"]))) {
		const msg = "to use the relay service, please follow in advance"
		d.Hidden = msg
		return http.StatusUnauthorized, msg
	}
	objectID, ok := d.Activity["object"].(string)
	if !ok {
		d.Hidden = "Announce of an embedded object: skipped"
		return http.StatusAccepted, ""
	}
	orig, err := r.getJSON(ctx, objectID, false)
	var origActor map[string]any
	if err == nil && str(orig["actor"]) == "" {
		err = errors.New(`Get "": unsupported protocol scheme ""`)
	} else if err == nil {
		origActor, err = r.getJSON(ctx, str(orig["actor"]), true)
	}
	if err != nil {
		d.Hidden = "the announced object is no activity with an actor (fetchOriginalActivityFromURL): " + err.Error()
		return http.StatusBadRequest, err.Error()
	}
	announce := r.arActivity("Announce", []any{r.ActorID() + "/followers"}, str(orig["id"]))
	var sends []outgoing
	for _, s := range r.accepted(hostOf(str(origActor["id"]))) {
		sends = append(sends, out(s.Inbox, announce))
	}
	r.deliver(sends...)
	return http.StatusAccepted, ""
}

// arReply is models.Activity.GenerateReply: typ (Accept or Reject) of the
// activity as the relay parsed it, addressed to its actor.
func (r *Relay) arReply(activity map[string]any, typ string) map[string]any {
	parsed := map[string]any{}
	for _, k := range []string{"@context", "id", "actor", "type", "object"} {
		if v, ok := activity[k]; ok && v != nil {
			parsed[k] = v
		}
	}
	for _, k := range []string{"to", "cc"} {
		if l := strings1(activity[k]); len(l) > 0 {
			parsed[k] = l
		}
	}
	reply := r.arActivity(typ, []any{str(activity["actor"])}, parsed)
	return reply
}

// arActivity is models.NewActivityPubActivity: an activity of the relay
// actor, id ACTOR/activities/UUID, in the activitystreams context.
func (r *Relay) arActivity(typ string, to []any, object any) map[string]any {
	return map[string]any{"@context": []any{"https://www.w3.org/ns/activitystreams"},
		"id": r.ActorID() + "/activities/" + newUUID(), "actor": r.ActorID(), "type": typ, "object": object, "to": to}
}

// toFollowers is isToMyFollower: an addressee that is the followers
// collection of an accepted LitePub follower.
func (r *Relay) toFollowers(to []string) bool {
	for _, s := range r.accepted("", "litepub") {
		if slices.Contains(to, s.Actor+"/followers") {
			return true
		}
	}
	return false
}
