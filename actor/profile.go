package actor

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	vocab "github.com/go-ap/activitypub"
)

// Profile is what an actor document says about one account.
type Profile struct {
	// Handle is the preferredUsername.
	Handle string
	// Type is Service (the default: an automated account), Organization,
	// Person or Application.
	Type string
	// Name is the display name (plain text).
	Name string
	// Summary is the bio, plain text; blank lines separate paragraphs.
	Summary string
	// Language is the primary language of the account ("nl"); it keys
	// nameMap and summaryMap.
	Language string
	// SiteURL is the website the feed belongs to; it becomes the actor's url.
	SiteURL string
	// IconURL is the avatar, HeaderURL the banner; "" for none.
	IconURL, HeaderURL string
	// Fields are the profile's name/value table. A value that is an
	// http(s) URL becomes a link; links to SiteURL carry rel="me".
	Fields []Field
	// AttributionDomains are the domains whose pages may credit this
	// account as author of a link preview.
	AttributionDomains []string
	// Discoverable and Indexable let servers suggest the account and index
	// its posts for full-text search.
	Discoverable, Indexable bool
	// FeaturedTags are hashtag names (without "#") shown on the profile.
	FeaturedTags []string
	// AlsoKnownAs lists the actor ids of the owner's other accounts.
	AlsoKnownAs []string
	// MovedTo is the actor id of the account this one moved to, "" if none.
	MovedTo string
	// PublicKeyPEM is the actor's public key in PKIX PEM.
	PublicKeyPEM string
	// Published is when the account was created.
	Published time.Time
}

// Field is one row of a profile's table.
type Field struct {
	Name, Value string
}

// actorTypes are the types an account may have.
var actorTypes = map[string]vocab.ActivityVocabularyType{
	"": vocab.ServiceType, "Service": vocab.ServiceType, "Organization": vocab.OrganizationType,
	"Person": vocab.PersonType, "Application": vocab.ApplicationType,
}

// actorContext is the @context of actor documents: ActivityStreams, the
// security vocabulary (publicKey) and the extension terms of Mastodon and
// schema.org that Herald uses.
var actorContext = []any{
	ActivityStreams,
	securityV1,
	map[string]any{
		"toot":                      "http://joinmastodon.org/ns#",
		"schema":                    "http://schema.org#",
		"discoverable":              "toot:discoverable",
		"indexable":                 "toot:indexable",
		"featured":                  map[string]string{"@id": "toot:featured", "@type": "@id"},
		"featuredTags":              map[string]string{"@id": "toot:featuredTags", "@type": "@id"},
		"attributionDomains":        map[string]string{"@id": "toot:attributionDomains", "@type": "@id"},
		"alsoKnownAs":               map[string]string{"@id": "as:alsoKnownAs", "@type": "@id"},
		"movedTo":                   map[string]string{"@id": "as:movedTo", "@type": "@id"},
		"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
		"PropertyValue":             "schema:PropertyValue",
		"value":                     "schema:value",
		"Hashtag":                   "as:Hashtag",
	},
}

// ActorDocument renders the actor of p. The type defaults to Service: the
// account is automated, and Mastodon shows it so.
func (u URLs) ActorDocument(p Profile) ([]byte, error) {
	id := u.Actor(p.Handle)
	typ, ok := actorTypes[p.Type]
	if !ok {
		return nil, fmt.Errorf("actor %s: type %q is not Service, Organization, Person or Application", p.Handle, p.Type)
	}
	a := vocab.ActorNew(iri(id), typ)
	a.PreferredUsername = vocab.DefaultNaturalLanguageValue(p.Handle)
	name := firstNonEmpty(p.Name, p.Handle)
	a.Name = vocab.DefaultNaturalLanguageValue(name)
	bio := bioHTML(p.Summary)
	if bio != "" {
		a.Summary = vocab.DefaultNaturalLanguageValue(bio)
	}
	a.URL = iri(profileURL(id, p.SiteURL))
	a.Inbox = iri(u.Inbox(p.Handle))
	a.Outbox = iri(u.Outbox(p.Handle))
	a.Followers = iri(u.Followers(p.Handle))
	a.Following = iri(u.Following(p.Handle))
	a.Endpoints = &vocab.Endpoints{SharedInbox: iri(u.SharedInbox())}
	a.Published = p.Published.UTC()
	a.PublicKey = vocab.PublicKey{ID: iri(u.KeyID(p.Handle)), Owner: iri(id), PublicKeyPem: p.PublicKeyPEM}
	return document(a, actorContext, u.actorExtra(p, name, bio))
}

// profileURL is the actor's url, the page peers link the profile to: the
// website when it lives on the actor's host, else the actor id itself,
// which sends browsers on to the website. Misskey and Sharkey refuse an
// actor whose url is on another host than its id ("person url <> uri host
// mismatch" in ApPersonService), so a website elsewhere would make the
// account unfollowable there; the website stays in the Website field.
func profileURL(id, siteURL string) string {
	if siteURL != "" && SameHost(siteURL, id) {
		return siteURL
	}
	return id
}

// actorExtra holds the actor properties go-ap does not model.
func (u URLs) actorExtra(p Profile, name, bio string) map[string]any {
	extra := map[string]any{
		"featured":                  u.Featured(p.Handle),
		"featuredTags":              u.FeaturedTags(p.Handle),
		"discoverable":              p.Discoverable,
		"indexable":                 p.Indexable,
		"manuallyApprovesFollowers": false,
		"icon":                      imageObject(p.IconURL),
		"image":                     imageObject(p.HeaderURL),
	}
	if fields := propertyValues(p.Fields, p.SiteURL); len(fields) > 0 {
		extra["attachment"] = fields
	}
	if len(p.AttributionDomains) > 0 {
		extra["attributionDomains"] = p.AttributionDomains
	}
	if len(p.AlsoKnownAs) > 0 {
		extra["alsoKnownAs"] = p.AlsoKnownAs
	}
	if p.MovedTo != "" {
		extra["movedTo"] = p.MovedTo
	}
	if lang := primaryLanguage(p.Language); lang != "" {
		extra["nameMap"] = map[string]string{lang: name}
		if bio != "" {
			extra["summaryMap"] = map[string]string{lang: bio}
		}
	}
	return extra
}

// imageObject is an Image with its url and, when the file name tells,
// mediaType; nil (no property) for "".
func imageObject(link string) any {
	link = httpURL(link)
	if link == "" {
		return nil
	}
	img := map[string]string{"type": "Image", "url": link}
	if t := mediaType(Image{URL: link}); t != "" {
		img["mediaType"] = t
	}
	return img
}

// bioHTML renders a plain-text bio as HTML paragraphs (blank lines separate
// them, single newlines become <br>).
func bioHTML(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			b.WriteString("<p>" + strings.ReplaceAll(escapeText(para), "\n", "<br>") + "</p>")
		}
	}
	return b.String()
}

// propertyValues renders profile fields as Mastodon's PropertyValue
// attachments. URL values become links; a link to the site carries
// rel="me", which Mastodon needs (with a rel="me" link back on the site's
// pages) to show the field as verified. Without configured fields the
// site's URL is the one field, "Website".
func propertyValues(fields []Field, siteURL string) []map[string]string {
	if len(fields) == 0 && siteURL != "" {
		fields = []Field{{Name: "Website", Value: siteURL}}
	}
	out := make([]map[string]string, 0, len(fields))
	for _, f := range fields {
		value := escapeText(f.Value)
		if link, me := FieldLink(f.Value, siteURL); link != "" {
			rel := "nofollow noopener"
			if me {
				rel = "me " + rel
			}
			value = `<a href="` + escapeText(link) + `" rel="` + rel + `" target="_blank">` + escapeText(displayURL(link)) + `</a>`
		}
		out = append(out, map[string]string{"type": "PropertyValue", "name": f.Name, "value": value})
	}
	return out
}

// FieldLink returns the link a profile field's value makes, "" when the
// value is no http(s) URL, and whether the link carries rel="me": it does
// when it is on the host of the site (siteURL), as the actor document
// marks it for Mastodon to verify.
func FieldLink(value, siteURL string) (link string, me bool) {
	link = httpURL(value)
	return link, link != "" && sameSite(link, siteURL)
}

// sameSite reports whether link is on the host of siteURL.
func sameSite(link, siteURL string) bool {
	a, errA := url.Parse(link)
	b, errB := url.Parse(siteURL)
	return errA == nil && errB == nil && b.Host != "" && strings.EqualFold(a.Host, b.Host)
}

// displayURL is a URL without its scheme and trailing slash, as profiles
// show links.
func displayURL(link string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(link, "https://"), "http://")
	return strings.TrimSuffix(s, "/")
}

// InstanceActorDocument renders the server's Application actor. It exists
// to sign Herald's GET requests (servers in authorized-fetch mode, such as
// GoToSocial, require a signature) and is always fetchable unsigned.
func (u URLs) InstanceActorDocument(host, publicKeyPEM string) ([]byte, error) {
	id := u.InstanceActor()
	a := vocab.ApplicationNew(iri(id))
	a.PreferredUsername = vocab.DefaultNaturalLanguageValue(InstanceUsername(host))
	a.Name = vocab.DefaultNaturalLanguageValue("Herald at " + host)
	a.URL = iri(u.Base + "/")
	a.Inbox = iri(u.SharedInbox())
	a.Outbox = iri(id + "/outbox")
	a.Endpoints = &vocab.Endpoints{SharedInbox: iri(u.SharedInbox())}
	a.PublicKey = vocab.PublicKey{ID: iri(u.InstanceKeyID()), Owner: iri(id), PublicKeyPem: publicKeyPEM}
	return document(a, actorContext, map[string]any{"manuallyApprovesFollowers": true})
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
