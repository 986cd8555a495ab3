package actor

import (
	"encoding/json"

	vocab "github.com/go-ap/activitypub"
)

// Collection renders an OrderedCollection that shows only its size and, when
// first is not "", a link to its first page. Used for the outbox and for
// followers (whose members Herald does not list, as Mastodon does by
// default).
func Collection(id string, total int, first string) ([]byte, error) {
	c := vocab.OrderedCollectionNew(iri(id))
	c.TotalItems = uint(total)
	if first != "" {
		c.First = iri(first)
	}
	return document(c, ActivityStreams, map[string]any{"totalItems": total})
}

// ItemsCollection renders a complete OrderedCollection with its items inline
// (following, featured).
func ItemsCollection(id string, items []json.RawMessage) ([]byte, error) {
	c := vocab.OrderedCollectionNew(iri(id))
	if items == nil {
		items = []json.RawMessage{}
	}
	return document(c, ActivityStreams, map[string]any{"totalItems": len(items), "orderedItems": items})
}

// CollectionPage renders one page of an OrderedCollection: its items (whole
// activities, each stripped of its @context), the collection it is part of
// and the next page, "" on the last page.
func CollectionPage(id, partOf, next string, items []json.RawMessage) ([]byte, error) {
	page := vocab.OrderedCollectionPageNew(vocab.OrderedCollectionNew(iri(partOf)))
	page.ID = iri(id)
	page.PartOf = iri(partOf)
	if next != "" {
		page.Next = iri(next)
	}
	embedded := make([]json.RawMessage, 0, len(items))
	for _, it := range items {
		e, err := withoutContext(it)
		if err != nil {
			return nil, err
		}
		embedded = append(embedded, e)
	}
	return document(page, ActivityStreams, map[string]any{"orderedItems": embedded, "totalItems": nil})
}
