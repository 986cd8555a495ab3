package actor

import (
	"strconv"
	"time"

	vocab "github.com/go-ap/activitypub"
)

// RelayUsername is the relay client actor's preferredUsername: Pleroma
// names its relay actor so, and LitePub relays expect an actor at /relay.
const RelayUsername = "relay"

// RelayActor returns the id of the relay client actor, the Application
// that subscribes to relays for the whole server (docs/relays.md).
func (u URLs) RelayActor() string { return u.Base + "/relay" }

// RelayKeyID returns the relay actor's key id. It names the instance
// actor's key pair: one key signs the server's own requests.
func (u URLs) RelayKeyID() string { return u.RelayActor() + "#main-key" }

// RelayFollowers returns the relay actor's followers collection, the
// audience of its Announces: the LitePub relays that follow it back.
func (u URLs) RelayFollowers() string { return u.RelayActor() + "/followers" }

// RelayFollowID returns the id of the relay actor's Follow of relayURL made
// at at: a later subscription to the same relay gets a new id.
func (u URLs) RelayFollowID(relayURL string, at time.Time) string {
	return u.RelayActor() + "/follows/" + slug(relayURL) + "-" + strconv.FormatInt(at.Unix(), 10)
}

// RelayActorDocument renders the relay client actor: an Application with
// an inbox, a shared inbox (Activity-Relay delivers there) and the
// instance key.
func (u URLs) RelayActorDocument(host, publicKeyPEM string) ([]byte, error) {
	id := u.RelayActor()
	a := vocab.ApplicationNew(iri(id))
	a.PreferredUsername = vocab.DefaultNaturalLanguageValue(RelayUsername)
	a.Name = vocab.DefaultNaturalLanguageValue("Herald relay client at " + host)
	a.URL = iri(u.About())
	a.Inbox = iri(u.SharedInbox())
	a.Outbox = iri(id + "/outbox")
	a.Followers = iri(u.RelayFollowers())
	a.Following = iri(id + "/following")
	a.Endpoints = &vocab.Endpoints{SharedInbox: iri(u.SharedInbox())}
	a.PublicKey = vocab.PublicKey{ID: iri(u.RelayKeyID()), Owner: iri(id), PublicKeyPem: publicKeyPEM}
	return document(a, actorContext, map[string]any{"manuallyApprovesFollowers": false})
}

// RelayWebFinger renders the JRD of the relay actor, acct:relay@HOST.
func (u URLs) RelayWebFinger(host string) ([]byte, error) {
	return encode(jrd{
		Subject: "acct:" + RelayUsername + "@" + host,
		Aliases: []string{u.RelayActor()},
		Links:   []jrdLink{{Rel: "self", Type: ContentType, Href: u.RelayActor()}},
	})
}

// RelayFollow renders the relay actor's Follow of object, sent to a relay:
// as:Public for a Mastodon-style relay, the relay's actor for a LitePub
// one (then also addressed to it, as Pleroma does).
func (u URLs) RelayFollow(id, object string) ([]byte, error) {
	follow := vocab.FollowNew(iri(id), iri(object))
	follow.Actor = iri(u.RelayActor())
	if object != string(vocab.PublicNS) {
		follow.To = vocab.ItemCollection{iri(object)}
	}
	return document(follow, ActivityStreams, nil)
}

// RelayUndo renders the Undo of the relay actor's Follow followDoc (as
// RelayFollow rendered it), embedded: the relay may no longer have it.
func (u URLs) RelayUndo(followID string, followDoc []byte, at time.Time) ([]byte, error) {
	follow, err := withoutContext(followDoc)
	if err != nil {
		return nil, err
	}
	act := vocab.UndoNew(iri(followID+"/undo"), nil)
	act.Actor = iri(u.RelayActor())
	act.Published = at.UTC()
	return document(act, ActivityStreams, map[string]any{"object": follow})
}

// RelayAccept renders the relay actor's Accept of followID, the Follow of
// a LitePub relay (followerID) that subscribes back.
func (u URLs) RelayAccept(followID, followerID string) (id string, doc []byte, err error) {
	follow := vocab.FollowNew(iri(followID), iri(u.RelayActor()))
	follow.Actor = iri(followerID)
	id = u.RelayActor() + "/accepts/" + slug(followID)
	act := vocab.AcceptNew(iri(id), follow)
	act.Actor = iri(u.RelayActor())
	act.To = vocab.ItemCollection{iri(followerID)}
	doc, err = document(act, ActivityStreams, nil)
	return id, doc, err
}

// RelayAnnounceID returns the id of the relay actor's Announce of the post
// objectID.
func (u URLs) RelayAnnounceID(objectID string) string { return objectID + "/relayed" }

// RelayAnnounce renders the relay actor's Announce of the public post
// objectID for LitePub relays: the object by id (they fetch it), addressed
// to the relay actor's followers only, as Pleroma's relay addresses its
// Announces, with published (some relays require it).
func (u URLs) RelayAnnounce(objectID string, published time.Time) (id string, doc []byte, err error) {
	id = u.RelayAnnounceID(objectID)
	act := vocab.AnnounceNew(iri(id), iri(objectID))
	act.Actor = iri(u.RelayActor())
	act.Published = published.UTC()
	act.To = vocab.ItemCollection{iri(u.RelayFollowers())}
	doc, err = document(act, ActivityStreams, nil)
	return id, doc, err
}
