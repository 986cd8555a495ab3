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

// RepliesCollection renders the replies collection of a post: its size
// and the ids of the replies Herald has recorded (at most
// MaxListedReplies), so servers can fetch the conversation from the
// repliers' origins.
func RepliesCollection(id string, total int, replyIDs []string) ([]byte, error) {
	c := vocab.OrderedCollectionNew(iri(id))
	items := make([]vocab.IRI, 0, len(replyIDs))
	for _, r := range replyIDs {
		if len(items) == MaxListedReplies {
			break
		}
		items = append(items, iri(r))
	}
	return document(c, ActivityStreams, map[string]any{"totalItems": total, "orderedItems": items})
}
