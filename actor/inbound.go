package actor

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	vocab "github.com/go-ap/activitypub"
)

// ErrNotActivity is returned for JSON that is not an activity Herald can
// read: no type, no actor, not an object at all, or ids holding characters
// no URI may contain (quotes, white space: see unsafeInIRI).
var ErrNotActivity = errors.New("not an activity")

// Activity is an incoming activity reduced to what Herald acts on.
type Activity struct {
	// ID, Type and Actor identify the activity and who sent it.
	ID, Type, Actor string
	// ObjectID is the id of the object (an IRI or an embedded object's id).
	ObjectID string
	// Object is the embedded object when it is itself an activity (the
	// Follow inside an Undo), nil otherwise.
	Object *Activity
}

// envelope is the wire shape of an activity. type may be a string or a list
// of strings; actor and object may be IRIs or embedded objects.
type envelope struct {
	ID     string          `json:"id"`
	Type   json.RawMessage `json:"type"`
	Actor  json.RawMessage `json:"actor"`
	Object json.RawMessage `json:"object"`
}

// ParseActivity reads an incoming activity. It fails with ErrNotActivity
// (wrapped, with the reason) for anything without a type or an actor. The
// type is returned as sent; unknown types are the caller's to ignore.
func ParseActivity(body []byte) (Activity, error) {
	return parseActivity(body, 0)
}

func parseActivity(body []byte, depth int) (Activity, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return Activity{}, fmt.Errorf("%w: %v", ErrNotActivity, err)
	}
	a := Activity{ID: env.ID, Type: firstType(env.Type), Actor: refID(env.Actor)}
	if a.Type == "" {
		return Activity{}, fmt.Errorf("%w: no type", ErrNotActivity)
	}
	if a.Actor == "" {
		return Activity{}, fmt.Errorf("%w: %s has no actor", ErrNotActivity, a.Type)
	}
	a.ObjectID = refID(env.Object)
	for _, id := range []string{a.ID, a.Actor, a.ObjectID} {
		if strings.ContainsFunc(id, unsafeInIRI) {
			return Activity{}, fmt.Errorf("%w: %q is not a URI", ErrNotActivity, id)
		}
	}
	if depth == 0 && strings.HasPrefix(strings.TrimSpace(string(env.Object)), "{") {
		if inner, err := parseActivity(env.Object, depth+1); err == nil {
			a.Object = &inner
		}
	}
	return a, nil
}

// firstType returns the type, or the first of a list of types.
func firstType(raw json.RawMessage) string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil && len(many) > 0 {
		return many[0]
	}
	return ""
}

// refID returns an IRI, or the id of an embedded object.
func refID(raw json.RawMessage) string {
	var iri string
	if json.Unmarshal(raw, &iri) == nil {
		return iri
	}
	var obj struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return obj.ID
	}
	return ""
}

// Remote is what Herald keeps of a remote actor or key document.
type Remote struct {
	// ID is the document's id.
	ID string
	// Inbox and SharedInbox are where to deliver (actors only).
	Inbox, SharedInbox string
	// KeyID, KeyOwner and PublicKeyPEM describe the key the document holds
	// or is: an actor embeds its key as publicKey; a key document (Mastodon
	// serves one at the key id on some setups) is the key itself.
	KeyID, KeyOwner, PublicKeyPEM string
	// AlsoKnownAs lists the actor's other ids (the accounts it may have
	// moved from); only http(s) URLs are kept.
	AlsoKnownAs []string
	// Username is the actor's preferredUsername; Name its display name
	// (plain text); Icon its avatar's URL; URL its profile page; Followers
	// its followers collection ("" when it has none, or not an http(s)
	// URL).
	Username, Name, Icon, URL, Followers string
}

// IsActor reports whether the document is an actor (it has an inbox). A
// document that is not an actor is a key: a bare key document or a key stub,
// whose owner (KeyOwner) must be fetched for the inbox and must name the key.
func (r Remote) IsActor() bool { return r.Inbox != "" }

// ParseRemote reads a remote actor document (Person, Service, Application,
// Group, Organization), a bare key document, or a key stub: what GoToSocial
// serves at its key ids to any GET, an actor's id, type, preferredUsername
// and publicKey without an inbox. A stub is returned as a key (IsActor
// false) with KeyOwner its publicKey.owner, or its id when that is absent.
func ParseRemote(body []byte) (Remote, error) {
	var key struct {
		ID           string `json:"id"`
		Owner        string `json:"owner"`
		PublicKeyPEM string `json:"publicKeyPem"`
	}
	if err := json.Unmarshal(body, &key); err != nil {
		return Remote{}, fmt.Errorf("remote document: %w", err)
	}
	if key.PublicKeyPEM != "" && key.Owner != "" {
		if !isHTTPURL(key.ID) || !isHTTPURL(key.Owner) {
			return Remote{}, fmt.Errorf("remote document: key %q of %q: not http(s) URLs", key.ID, key.Owner)
		}
		return Remote{ID: key.ID, KeyID: key.ID, KeyOwner: key.Owner, PublicKeyPEM: key.PublicKeyPEM}, nil
	}
	item, err := vocab.UnmarshalJSON(body)
	if err != nil || item == nil {
		return Remote{}, fmt.Errorf("remote document: not an actor (%v)", err)
	}
	var r Remote
	err = vocab.OnActor(item, func(a *vocab.Actor) error {
		r = Remote{ID: string(a.ID), KeyID: string(a.PublicKey.ID), KeyOwner: string(a.PublicKey.Owner), PublicKeyPEM: a.PublicKey.PublicKeyPem}
		if a.Inbox != nil {
			r.Inbox = string(a.Inbox.GetLink())
		}
		if a.Endpoints != nil && a.Endpoints.SharedInbox != nil {
			r.SharedInbox = string(a.Endpoints.SharedInbox.GetLink())
		}
		return nil
	})
	if err != nil {
		return Remote{}, fmt.Errorf("remote document: %w", err)
	}
	if r.ID == "" {
		return Remote{}, errors.New("remote document: actor without id")
	}
	if r.Inbox == "" {
		return keyStub(r, body)
	}
	for _, u := range []string{r.ID, r.Inbox, r.SharedInbox, r.KeyID, r.KeyOwner} {
		if u != "" && !isHTTPURL(u) {
			return Remote{}, fmt.Errorf("remote document: %q is not an http(s) URL", u)
		}
	}
	r.AlsoKnownAs = Aliases(body)
	readProfile(&r, body)
	return r, nil
}

// Limits on what is kept of a remote actor's profile.
const (
	maxUsername    = 100
	maxDisplayName = 200
)

// readProfile fills in what the client API shows of an actor.
func readProfile(r *Remote, body []byte) {
	var p struct {
		PreferredUsername string          `json:"preferredUsername"`
		Name              json.RawMessage `json:"name"`
		Icon              json.RawMessage `json:"icon"`
		URL               json.RawMessage `json:"url"`
		Followers         json.RawMessage `json:"followers"`
	}
	if json.Unmarshal(body, &p) != nil {
		return
	}
	r.Username = truncate(strings.TrimSpace(p.PreferredUsername), maxUsername)
	r.Name = truncate(plainString(p.Name), maxDisplayName)
	r.URL, r.Followers = uriOrEmpty(linkHref(p.URL)), uriOrEmpty(refID(p.Followers))
	var icons []json.RawMessage
	if json.Unmarshal(p.Icon, &icons) != nil {
		icons = []json.RawMessage{p.Icon}
	}
	if len(icons) > 0 {
		var image struct {
			URL json.RawMessage `json:"url"`
		}
		if json.Unmarshal(icons[0], &image) == nil && image.URL != nil {
			r.Icon = uriOrEmpty(linkHref(image.URL))
		} else {
			r.Icon = uriOrEmpty(refID(icons[0]))
		}
	}
}

// keyStub returns r, read from body, an actor document without an inbox,
// as the key it carries. A document that has an inbox member which did not
// read as a URL is a broken actor, not a stub; nor is one without a key.
func keyStub(r Remote, body []byte) (Remote, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil {
		return Remote{}, fmt.Errorf("remote document: %w", err)
	}
	if _, ok := members["inbox"]; ok {
		return Remote{}, errors.New("remote document: actor inbox is not a URL")
	}
	if r.KeyID == "" || r.PublicKeyPEM == "" {
		return Remote{}, errors.New("remote document: actor without inbox or key")
	}
	if r.KeyOwner == "" {
		r.KeyOwner = r.ID
	}
	for _, u := range []string{r.ID, r.KeyID, r.KeyOwner} {
		if !isHTTPURL(u) {
			return Remote{}, fmt.Errorf("remote document: %q is not an http(s) URL", u)
		}
	}
	return Remote{ID: r.ID, KeyID: r.KeyID, KeyOwner: r.KeyOwner, PublicKeyPEM: r.PublicKeyPEM}, nil
}

// isHTTPURL reports whether s is an absolute http(s) URL holding only
// characters a URI may contain.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsFunc(s, unsafeInIRI)
}

// Aliases returns the http(s) ids listed in an actor document's
// alsoKnownAs: one id or a list of ids (or of objects with an id), as read
// into Remote and checked before accepting a Move.
func Aliases(body []byte) []string {
	var doc struct {
		AlsoKnownAs json.RawMessage `json:"alsoKnownAs"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	var list []json.RawMessage
	if json.Unmarshal(doc.AlsoKnownAs, &list) != nil {
		list = []json.RawMessage{doc.AlsoKnownAs}
	}
	var out []string
	for _, raw := range list {
		if id := refID(raw); isHTTPURL(id) {
			out = append(out, id)
		}
	}
	return out
}
