package actor

import (
	"time"

	vocab "github.com/go-ap/activitypub"
)

// Tombstone renders what a deleted post's id answers from then on: a
// Tombstone keeping the id (deleted ids are never reused), the type it had
// (Note or Article) and when it was deleted.
func (r *Renderer) Tombstone(objectID, formerType string, deleted time.Time) ([]byte, error) {
	return document(tombstone(objectID, formerType, deleted), ActivityStreams, nil)
}

// Delete renders handle's Delete of the post objectID, with the post as an
// embedded Tombstone (what Mastodon sends), addressed like the post was so
// every server that got it removes it.
func (r *Renderer) Delete(handle, objectID, formerType string, at time.Time) (id string, doc []byte, err error) {
	id = r.URLs.Delete(objectID)
	act := vocab.DeleteNew(iri(id), tombstone(objectID, formerType, at))
	act.Actor = iri(r.Actor(handle))
	act.Published = at.UTC()
	act.To = vocab.ItemCollection{vocab.PublicNS}
	act.CC = vocab.ItemCollection{iri(r.Followers(handle))}
	doc, err = document(act, ActivityStreams, nil)
	return id, doc, err
}

func tombstone(objectID, formerType string, deleted time.Time) *vocab.Tombstone {
	return &vocab.Tombstone{ID: iri(objectID), Type: vocab.TombstoneType,
		FormerType: vocab.ActivityVocabularyType(formerType), Deleted: deleted.UTC()}
}
