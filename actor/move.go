package actor

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	vocab "github.com/go-ap/activitypub"
)

// Move renders handle's Move to the account target: Mastodon and its peers
// then move the followers over, once they have checked that target lists
// handle's actor in its alsoKnownAs. It is addressed to the followers.
func (r *Renderer) Move(handle, target string, at time.Time) (id string, doc []byte, err error) {
	id = r.URLs.Move(handle)
	act := vocab.ActivityNew(iri(id), vocab.MoveType, iri(r.Actor(handle)))
	act.Actor = iri(r.Actor(handle))
	act.Target = iri(target)
	act.Published = at.UTC()
	act.To = vocab.ItemCollection{iri(r.Followers(handle))}
	doc, err = document(act, ActivityStreams, nil)
	return id, doc, err
}

// UpdateActor wraps actorDoc (as rendered by ActorDocument) in an Update
// from the actor itself, so followers' servers take a changed profile at
// once. The id derives from the document's content: the same profile
// always makes the same Update.
func (r *Renderer) UpdateActor(handle string, actorDoc []byte, at time.Time) (id string, doc []byte, err error) {
	object, err := withoutContext(actorDoc)
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(actorDoc)
	id = r.Actor(handle) + "/profile-updates/" + hex.EncodeToString(sum[:8])
	act := vocab.ActivityNew(iri(id), vocab.UpdateType, nil)
	act.Actor = iri(r.Actor(handle))
	act.Published = at.UTC()
	act.To = vocab.ItemCollection{vocab.PublicNS}
	act.CC = vocab.ItemCollection{iri(r.Followers(handle))}
	doc, err = document(act, actorContext, map[string]any{"object": object})
	return id, doc, err
}
