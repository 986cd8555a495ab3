package actor

import (
	vocab "github.com/go-ap/activitypub"
)

// MaxListedReplies is how many reply ids a replies collection lists.
const MaxListedReplies = 100

// CountCollection renders the likes or shares collection of a post: an
// OrderedCollection with its size only, as Mastodon publishes them (who
// liked a post is not published).
func CountCollection(id string, total int) ([]byte, error) {
	return Collection(id, total, "")
}

// RepliesPageID is the id of the page of a replies collection that lists
// the reply ids.
func RepliesPageID(collectionID string) string { return collectionID + "?page=true" }

// repliesRef is a post's replies property: the collection embedded with an
// empty first page whose next is the page of reply ids, as Mastodon
// publishes it. A post is rendered once, before any reply; GoToSocial
// reads replies only from an embedded first page (it logs "replies without
// collection page" for a bare id) and follows next to find them.
func repliesRef(collectionID string) map[string]any {
	return map[string]any{
		"id":   collectionID,
		"type": "Collection",
		"first": map[string]any{
			"type":   "CollectionPage",
			"partOf": collectionID,
			"next":   RepliesPageID(collectionID),
			"items":  []string{},
		},
	}
}

// RepliesCollection renders the replies collection of a post: its size,
// the ids of the replies Herald has recorded (at most MaxListedReplies), so
// servers can fetch the conversation from the repliers' origins, and
// first, the page that lists the same ids (RepliesPage).
func RepliesCollection(id string, total int, replyIDs []string) ([]byte, error) {
	c := vocab.OrderedCollectionNew(iri(id))
	return document(c, ActivityStreams, map[string]any{"totalItems": total, "orderedItems": listedReplies(replyIDs),
		"first": RepliesPageID(id)})
}

// RepliesPage renders the one page of the replies collection id: the ids of
// the replies Herald has recorded (at most MaxListedReplies).
func RepliesPage(id string, replyIDs []string) ([]byte, error) {
	p := vocab.OrderedCollectionPageNew(vocab.OrderedCollectionNew(iri(id)))
	p.ID = iri(RepliesPageID(id))
	return document(p, ActivityStreams, map[string]any{"orderedItems": listedReplies(replyIDs), "totalItems": nil})
}

// listedReplies is the first MaxListedReplies of replyIDs as IRIs.
func listedReplies(replyIDs []string) []vocab.IRI {
	items := make([]vocab.IRI, 0, min(len(replyIDs), MaxListedReplies))
	for _, r := range replyIDs {
		if len(items) == MaxListedReplies {
			break
		}
		items = append(items, iri(r))
	}
	return items
}
