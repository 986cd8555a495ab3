package fedtest

import (
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// postTypes are the object types the modelled servers turn into posts.
var postTypes = map[string]bool{"Note": true, "Article": true, "Page": true, "Question": true, "Image": true, "Video": true, "Event": true}

// check applies the document checks of the peer's server to a verified
// activity and returns the status to answer (0: the style's Accepted) and
// why the server would not show it ("" when it would). owner is the
// account whose inbox got it, nil for the shared inbox.
func (p *Peer) check(d Delivery, owner *Account) (int, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	sw := p.Style.software()
	if sw == "pixelfed" {
		if hidden := p.pixelfedEnvelope(d); hidden != "" {
			return 0, hidden
		}
	}
	if (sw == "misskey" || sw == "sharkey") && hostOf(str(d.Activity["id"])) != hostOf(d.KeyID) {
		// InboxProcessorService#process: signerHost !== activity.id host
		return 0, "activity id is not on the signer's host"
	}
	if hidden, ok := p.relayAnswer(d); ok {
		return 0, hidden
	}
	switch d.Type() {
	case "Accept":
		return p.checkAccept(d, owner)
	case "Create", "Update":
		return 0, p.checkPost(d)
	case "Delete":
		return 0, p.checkDelete(d)
	}
	return 0, ""
}

// checkAccept checks an Accept of the user's Follow. Mastodon
// (app/lib/activitypub/activity/accept.rb) matches the pending follow by
// the object's id, else an embedded Follow by its actor; GoToSocial
// (internal/federation/federatingdb/accept.go) needs the Accept's id (400)
// and an embedded Follow whose actor owns the inbox it was posted to
// (422); Pixelfed (app/Util/ActivityPub/Inbox.php handleAcceptActivity)
// reads the embedded Follow's actor; Misskey (ApInboxService accept) needs
// a Follow.
func (p *Peer) checkAccept(d Delivery, owner *Account) (int, string) {
	follow := d.Object()
	sw := p.Style.software()
	if sw == "gotosocial" {
		if str(d.Activity["id"]) == "" {
			return http.StatusBadRequest, "Accept had no id property"
		}
		if follow == nil || str(follow["id"]) == "" || str(follow["actor"]) == "" || str(follow["object"]) == "" {
			return http.StatusBadRequest, "Accept does not embed the Follow with id, actor and object"
		}
		if owner == nil || str(follow["actor"]) != owner.ID() {
			return http.StatusUnprocessableEntity, "Follow account and inbox account were not the same"
		}
	}
	if (sw == "pixelfed" || sw == "misskey" || sw == "sharkey") && (follow == nil || str(follow["type"]) != "Follow" || str(follow["actor"]) == "") {
		return 0, "Accept does not embed the Follow"
	}
	id := idOf(d.Activity["object"])
	target, pending := p.follows[id]
	if !pending && follow != nil && str(follow["actor"]) == p.User.ID() {
		target, pending = str(follow["object"]), true // Mastodon accept_embedded_follow
	}
	if !pending || target != str(d.Activity["actor"]) {
		return 0, "Accept matches no Follow the user sent to " + str(d.Activity["actor"])
	}
	return 0, ""
}

// checkPost checks the object of a Create or an Update and, when the
// server would show it, remembers it for later Updates.
func (p *Peer) checkPost(d Delivery) string {
	obj := d.Object()
	if obj == nil {
		return "object is not embedded"
	}
	if !postTypes[str(obj["type"])] {
		return "" // an actor Update, say: not modelled
	}
	actor := str(d.Activity["actor"])
	if hostOf(str(obj["id"])) != hostOf(actor) {
		// Mastodon create.rb non_matching_uri_hosts?, Misskey createNote,
		// Pixelfed keyDomain !== idDomain
		return "object id is not on the actor's host"
	}
	prev := p.objects[str(obj["id"])]
	var hidden string
	switch p.Style.software() {
	case "mastodon", "threads":
		hidden = p.mastodonPost(d.Type(), obj, prev)
	case "gotosocial":
		hidden = goToSocialPost(d.Type(), obj, prev)
	case "misskey", "sharkey":
		hidden = p.misskeyPost(d.Type(), actor, obj)
	case "akkoma":
		hidden = akkomaPost(d.Type(), obj, prev)
	case "pixelfed":
		hidden = pixelfedPost(d, obj)
	case "friendica":
		hidden = titled(obj, "Friendica shows name as the post's title (Processor::processContent)")
	}
	if hidden == "" {
		p.objects[str(obj["id"])] = obj
	}
	return hidden
}

// checkDelete checks a Delete: its object on the actor's host (every
// server deletes only what the actor owns) and, for Pixelfed
// (Inbox.php handleDeleteActivity), an embedded Tombstone: a bare IRI is
// read as an account deletion only when it is the actor.
func (p *Peer) checkDelete(d Delivery) string {
	id := idOf(d.Activity["object"])
	actor := str(d.Activity["actor"])
	if hostOf(id) != hostOf(actor) {
		return "deleted object is not on the actor's host"
	}
	if p.Style.software() == "pixelfed" {
		obj := d.Object()
		if (obj == nil && id != actor) || (obj != nil && (str(obj["type"]) != "Tombstone" || str(obj["id"]) == "")) {
			return "Pixelfed deletes a post only for an object {id, type: Tombstone}"
		}
	}
	delete(p.objects, id)
	return ""
}

// mastodonPost is Mastodon's view of a post (app/lib/activitypub/
// parser/status_parser.rb, app/models/concerns/status/media.rb,
// app/services/activitypub/process_status_update_service.rb): at most 4
// attachments (MEDIA_ATTACHMENTS_LIMIT); an Update is an edit only when
// updated is present and later than the last one; before 4.5 only Notes
// and Questions are edited (expected_type?).
func (p *Peer) mastodonPost(typ string, obj, prev map[string]any) string {
	if n := len(list(obj["attachment"])); n > 4 {
		return "Mastodon keeps 4 attachments, not " + strconv.Itoa(n)
	}
	if typ != "Update" {
		return ""
	}
	if t := str(obj["type"]); t != "Note" && t != "Question" && p.Style.Name != "mastodon-4.5" {
		return "Mastodon before 4.5 does not edit a " + t
	}
	updated, ok := timeOf(obj["updated"])
	if !ok {
		return "Update without updated: not an edit"
	}
	if last, had := timeOf(prev["updated"]); had && !updated.After(last) {
		return "Update whose updated is not later than the last: ignored"
	}
	return ""
}

// goToSocialPost is GoToSocial's view (internal/typeutils/astointernal.go
// ASStatusToStatus, internal/federation/dereferencing/status.go
// enrichStatus): the content warning is summary, else name; an Update must
// keep published ("'published' changed").
func goToSocialPost(typ string, obj, prev map[string]any) string {
	if str(obj["summary"]) == "" && str(obj["name"]) != "" {
		return "GoToSocial shows name as a content warning"
	}
	if typ == "Update" && prev != nil && str(obj["published"]) != str(prev["published"]) {
		return "'published' changed"
	}
	return ""
}

// misskeyPost is Misskey's view (ApInboxService createNote and update,
// ApNoteService): attributedTo must be the actor, as a string; Misskey
// does not apply Updates of Notes, Sharkey does.
func (p *Peer) misskeyPost(typ, actor string, obj map[string]any) string {
	if a, ok := obj["attributedTo"].(string); !ok || a != actor {
		return "attributedTo is not the actor as a string"
	}
	if typ == "Update" && p.Style.software() == "misskey" {
		return "Misskey does not apply edits of Notes (ApInboxService update: skip)"
	}
	return ""
}

// akkomaPost is Akkoma's view (web/mastodon_api/views/status_view.ex
// render_content, object/updater.ex): a name is shown as a linked title
// before any content, which on a Note is a stray title; an Update changes
// the content only when updated is strictly later than the stored
// updated, else published.
func akkomaPost(typ string, obj, prev map[string]any) string {
	if hidden := titled(obj, "Akkoma shows name as a linked title (StatusView.render_content)"); hidden != "" {
		return hidden
	}
	if typ != "Update" || prev == nil {
		return ""
	}
	last, ok := timeOf(prev["updated"])
	if !ok {
		last, _ = timeOf(prev["published"])
	}
	if updated, ok := timeOf(obj["updated"]); !ok || !updated.After(last) {
		return "Update whose updated is not later than the stored one: content kept"
	}
	return ""
}

// titled returns why when a Note carries a name.
func titled(obj map[string]any, why string) string {
	if str(obj["type"]) == "Note" && str(obj["name"]) != "" {
		return why
	}
	return ""
}

// str is v when it is a string, else "".
func str(v any) string { s, _ := v.(string); return s }

// list is v as a list: itself when an array, else one element (none for nil).
func list(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	default:
		return []any{x}
	}
}

// idOf is v when a string, else its id.
func idOf(v any) string {
	if m, ok := v.(map[string]any); ok {
		return str(m["id"])
	}
	return str(v)
}

// hrefOf is the URL v names: a string, a Link's href, or the first of a list.
func hrefOf(v any) string {
	switch x := v.(type) {
	case []any:
		if len(x) > 0 {
			return hrefOf(x[0])
		}
	case map[string]any:
		return str(x["href"])
	}
	return str(v)
}

// hostOf is the host (with port) of URL u, "" if none.
func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Host
}

// timeOf parses an xsd:dateTime.
func timeOf(v any) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, str(v))
	return t, err == nil
}
