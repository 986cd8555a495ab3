package actor

import (
	"strings"
	"time"

	vocab "github.com/go-ap/activitypub"
)

// Profile is what an actor document says about one account.
type Profile struct {
	// Handle is the preferredUsername.
	Handle string
	// Name is the display name (plain text).
	Name string
	// Summary is the bio, plain text; it is rendered as one HTML paragraph.
	Summary string
	// SiteURL is the website the feed belongs to; it becomes the actor's url.
	SiteURL string
	// IconURL is the avatar, "" for none.
	IconURL string
	// PublicKeyPEM is the actor's public key in PKIX PEM.
	PublicKeyPEM string
	// Published is when the account was created.
	Published time.Time
}

// actorContext is the @context of actor documents: ActivityStreams, the
// security vocabulary (publicKey) and Mastodon's extension terms.
var actorContext = []any{
	ActivityStreams,
	securityV1,
	map[string]any{
		"toot":                      "http://joinmastodon.org/ns#",
		"discoverable":              "toot:discoverable",
		"indexable":                 "toot:indexable",
		"featured":                  map[string]string{"@id": "toot:featured", "@type": "@id"},
		"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
	},
}

// ActorDocument renders the actor of p. The type is Service: the account is
// automated, and Mastodon shows it so. discoverable and indexable are true
// (a public news account wants to be found; both default to false elsewhere).
func (u URLs) ActorDocument(p Profile) ([]byte, error) {
	id := u.Actor(p.Handle)
	a := vocab.ServiceNew(iri(id))
	a.PreferredUsername = vocab.DefaultNaturalLanguageValue(p.Handle)
	a.Name = vocab.DefaultNaturalLanguageValue(firstNonEmpty(p.Name, p.Handle))
	if p.Summary != "" {
		a.Summary = vocab.DefaultNaturalLanguageValue("<p>" + escapeText(p.Summary) + "</p>")
	}
	if p.SiteURL != "" {
		a.URL = iri(p.SiteURL)
	}
	if p.IconURL != "" {
		icon := vocab.ObjectNew(vocab.ImageType)
		icon.URL = iri(p.IconURL)
		a.Icon = icon
	}
	a.Inbox = iri(u.Inbox(p.Handle))
	a.Outbox = iri(u.Outbox(p.Handle))
	a.Followers = iri(u.Followers(p.Handle))
	a.Following = iri(u.Following(p.Handle))
	a.Endpoints = &vocab.Endpoints{SharedInbox: iri(u.SharedInbox())}
	a.Published = p.Published.UTC()
	a.PublicKey = vocab.PublicKey{ID: iri(u.KeyID(p.Handle)), Owner: iri(id), PublicKeyPem: p.PublicKeyPEM}
	return document(a, actorContext, map[string]any{
		"featured":                  u.Featured(p.Handle),
		"discoverable":              true,
		"indexable":                 true,
		"manuallyApprovesFollowers": false,
	})
}

// InstanceActorDocument renders the server's Application actor. It exists
// to sign Herald's GET requests (servers in authorized-fetch mode, such as
// GoToSocial, require a signature) and is always fetchable unsigned.
func (u URLs) InstanceActorDocument(host, publicKeyPEM string) ([]byte, error) {
	id := u.InstanceActor()
	a := vocab.ApplicationNew(iri(id))
	a.PreferredUsername = vocab.DefaultNaturalLanguageValue(host)
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
