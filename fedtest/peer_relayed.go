package fedtest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
)

// publicCollection is the as:Public collection, fully expanded.
const publicCollection = "https://www.w3.org/ns/activitystreams#Public"

// receiveRelayed is Mastodon's handling of an activity whose HTTP signer
// (d.RelayedBy) is not its actor, a relay forwarding it unchanged
// (app/services/activitypub/process_collection_service.rb): different_actor?
// leads to verify_account!, so the activity counts only with an LD
// signature (RsaSignature2017) that verifies with its creator's key,
// fetched by FetchRemoteKeyService; the creator then stands for the actor.
// Without one it is dropped, and the inbox answers 202 anyway (the job runs
// after the answer). A Create must then be related to local activity
// (app/lib/activitypub/activity.rb related_to_local_activity?): relayed
// through an enabled relay (requested_through_relay?: the signer's inbox is
// the relay inbox configured) or by an actor a local account follows.
// Updates and Deletes get the usual checks.
func (p *Peer) receiveRelayed(ctx context.Context, d *Delivery, owner *Account) int {
	accepted, _ := p.Style.Receive.statuses()
	d.Verified = true
	actor := str(d.Activity["actor"])
	creator, problem := p.verifyLDSigner(ctx, d.Activity)
	p.mu.Lock()
	related := p.enabledRelay(d.RelayedBy) || p.followsActor(actor)
	p.mu.Unlock()
	switch {
	case problem != "":
		d.Hidden = fmt.Sprintf("relayed %s without a valid LD signature by its actor: dropped "+
			"(process_collection_service.rb verify_account!): %s", d.Type(), problem)
	case creator != actor:
		d.Hidden = fmt.Sprintf("LD signature by %s, not by the actor %s: taken as the signer's activity", creator, actor)
	case d.Type() == "Create" && !related:
		d.Hidden = fmt.Sprintf("relayed through %s, which is no relay enabled here, and nobody here follows %s: "+
			"rejected (related_to_local_activity?)", d.RelayedBy, actor)
	default:
		_, d.Hidden = p.check(*d, owner)
	}
	return accepted
}

// verifyLDSigner checks the activity's LD signature with its creator's
// key, fetched as a key id (Mastodon's LinkedDataSignature#verify_actor!),
// and returns the actor that owns the key, or the problem.
func (p *Peer) verifyLDSigner(ctx context.Context, activity map[string]any) (string, string) {
	sig, _ := activity["signature"].(map[string]any)
	if sig == nil {
		return "", "no LD signature"
	}
	if t := str(sig["type"]); t != "RsaSignature2017" {
		return "", fmt.Sprintf("LD signature of type %q, not RsaSignature2017", t)
	}
	creator := str(sig["creator"])
	pub, err := p.key(ctx, creator, false)
	if err != nil {
		return "", "LD signature creator: " + err.Error()
	}
	rsaKey, ok := pub.(*rsa.PublicKey)
	if !ok {
		return "", "LD signature creator's key is not RSA"
	}
	if err := VerifyLD(activity, rsaKey); err != nil {
		return "", err.Error()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.owners[creator], ""
}

// fetchesAnnounced reports whether the peer models what its server does
// with an Announce: Mastodon and Akkoma fetch the object from its origin.
func (p *Peer) fetchesAnnounced() bool {
	sw := p.Style.software()
	return sw == "mastodon" || sw == "akkoma"
}

// receiveAnnounce handles a verified Announce and returns why it is not
// shown ("" when it is). Mastodon (app/lib/activitypub/activity/announce.rb
// perform): it must be related to local activity (the actor is followed
// here, or is a relay enabled here: requested_through_relay?, overridden to
// match the actor's own inbox), then status_from_object fetches the object;
// through a relay the post is shown as its author's, not as a boost
// ("return if requested_through_relay?"). Akkoma (Transmogrifier, Object
// Fetcher): fetches and contains the object. The fetched object gets the
// server's usual post checks.
func (p *Peer) receiveAnnounce(ctx context.Context, d *Delivery) string {
	actor := str(d.Activity["actor"])
	p.mu.Lock()
	viaRelay, followed := p.enabledRelay(actor), p.followsActor(actor)
	p.mu.Unlock()
	if viaRelay {
		d.RelayedBy = actor
	}
	if p.Style.software() == "mastodon" && !viaRelay && !followed {
		return fmt.Sprintf("Announce by %s, whom nobody here follows and which is no relay enabled here: "+
			"rejected (announce.rb related_to_local_activity?)", actor)
	}
	obj, problem := p.fetchAnnounced(ctx, idOf(d.Activity["object"]))
	if problem != "" {
		return problem
	}
	d.Announced = obj
	p.mu.Lock()
	defer p.mu.Unlock()
	prev := p.objects[str(obj["id"])]
	hidden := akkomaPost("Create", obj, prev)
	if p.Style.software() == "mastodon" {
		hidden = p.mastodonPost("Create", obj, prev)
	}
	if hidden == "" {
		p.objects[str(obj["id"])] = obj
	}
	return hidden
}

// fetchAnnounced GETs an announced object, signed by the instance actor,
// and checks it as Mastodon (ActivityPub::FetchRemoteStatusService:
// the document's id is the URL fetched, a post type, attributedTo on the
// object's host, trustworthy_attribution?) and Akkoma
// (lib/pleroma/object/containment.ex contain_id_to_fetch, contain_origin)
// do; it returns the object or the problem.
func (p *Peer) fetchAnnounced(ctx context.Context, id string) (map[string]any, string) {
	if id == "" {
		return nil, "Announce without an object id"
	}
	status, doc, err := p.Fetch(ctx, id)
	switch {
	case err != nil || status != http.StatusOK:
		return nil, fmt.Sprintf("announced object %s could not be fetched: HTTP %d %v", id, status, err)
	case str(doc["id"]) != id:
		return nil, fmt.Sprintf("announced object fetched at %s has the id %q", id, str(doc["id"]))
	case !postTypes[str(doc["type"])]:
		return nil, fmt.Sprintf("announced object %s is a %q, not a post", id, str(doc["type"]))
	case hostOf(firstID(doc["attributedTo"])) != hostOf(id):
		return nil, fmt.Sprintf("announced object %s is attributed to %q, on another host", id, firstID(doc["attributedTo"]))
	}
	return doc, ""
}

// firstID is the id of v, or of its first element when it is a list.
func firstID(v any) string {
	if l, ok := v.([]any); ok && len(l) > 0 {
		return idOf(l[0])
	}
	return idOf(v)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
