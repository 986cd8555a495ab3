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
// (following, featured), each object stripped of its @context.
func ItemsCollection(id string, items []json.RawMessage) ([]byte, error) {
	c := vocab.OrderedCollectionNew(iri(id))
	embedded := make([]json.RawMessage, 0, len(items))
	for _, it := range items {
		if len(it) > 0 && it[0] == '{' {
			var err error
			if it, err = withoutContext(it); err != nil {
				return nil, err
			}
		}
		embedded = append(embedded, it)
	}
	return document(c, postContext, map[string]any{"totalItems": len(embedded), "orderedItems": embedded})
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

// FeaturedTagsDocument renders handle's featured hashtags (Mastodon's
// featuredTags): a complete collection of Hashtag objects whose href is the
// one posts use in style s.
func (r *Renderer) FeaturedTagsDocument(handle string, s Style, names []string) ([]byte, error) {
	items := []json.RawMessage{}
	for _, h := range r.hashtags(names, Style{ExcludedTags: []string{}, TagURL: s.TagURL}) {
		raw, err := encode(map[string]string{"type": "Hashtag", "href": string(iri(h.href)), "name": "#" + h.name})
		if err != nil {
			return nil, err
		}
		items = append(items, raw)
	}
	c := vocab.CollectionNew(iri(r.FeaturedTags(handle)))
	return document(c, postContext, map[string]any{"totalItems": len(items), "items": items})
}

// IDsCollection renders a complete OrderedCollection listing ids (the
// followers, when an account publishes them).
func IDsCollection(id string, ids []string) ([]byte, error) {
	items := make([]json.RawMessage, len(ids))
	for i, v := range ids {
		raw, err := encode(string(iri(v)))
		if err != nil {
			return nil, err
		}
		items[i] = raw
	}
	return ItemsCollection(id, items)
}
