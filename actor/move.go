package actor

import (
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
