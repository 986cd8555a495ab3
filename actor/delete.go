package actor

import (
	"time"

	vocab "github.com/go-ap/activitypub"
)

// Tombstone renders what the id of a deleted post answers (with HTTP 410):
// a Tombstone with the same id, the type the object had (formerType Note)
// and when it was deleted.
func (r *Renderer) Tombstone(objectID string, deleted time.Time) ([]byte, error) {
	return document(r.tombstone(objectID, deleted), ActivityStreams, nil)
}

func (r *Renderer) tombstone(objectID string, deleted time.Time) *vocab.Tombstone {
	return &vocab.Tombstone{ID: iri(objectID), Type: vocab.TombstoneType, FormerType: vocab.NoteType, Deleted: deleted.UTC()}
}

// Delete renders handle's Delete of the post objectID, sent to the same
// audience as its Create (public, followers). The object is the embedded
// Tombstone: Mastodon accepts it as it accepts a bare id, and receivers
// that would fetch the object learn it is gone without asking. The id
// derives from the object's, so a retried Delete is the same activity.
func (r *Renderer) Delete(handle, objectID string, deleted time.Time) (id string, doc []byte, err error) {
	id = r.URLs.Delete(objectID)
	act := vocab.DeleteNew(iri(id), r.tombstone(objectID, deleted))
	act.Actor = iri(r.Actor(handle))
	act.Published = deleted.UTC()
	act.To = vocab.ItemCollection{vocab.PublicNS}
	act.CC = vocab.ItemCollection{iri(r.Followers(handle))}
	doc, err = document(act, ActivityStreams, nil)
	return id, doc, err
}
