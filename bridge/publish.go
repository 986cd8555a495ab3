package bridge

import (
	"fmt"
	"time"

	"herald/actor"
	"herald/feeds"
	"herald/store"
)

// postsFor turns the changes of feed since the last poll into posts: a Note
// and its Create for each new item, the edited Note and an Update for each
// edited one. Object ids derive from item keys, so they never change.
func (b *Bridge) postsFor(handle string, feed *feeds.Feed, now time.Time) ([]store.Post, error) {
	seen, err := b.store.SeenItems(handle)
	if err != nil {
		return nil, err
	}
	hashes := make(map[string]string, len(seen))
	for k, it := range seen {
		hashes[k] = it.Hash
	}
	var posts []store.Post
	for _, c := range feeds.Diff(hashes, feed.Items) {
		prev, wasSeen := seen[c.Item.Key]
		post, err := b.post(handle, feed.Language, c.Item, prev, wasSeen, now)
		if err != nil {
			return nil, fmt.Errorf("render %s item %s: %w", handle, c.Item.Key, err)
		}
		posts = append(posts, post)
	}
	return posts, nil
}

// post renders one new (wasSeen false) or edited item.
func (b *Bridge) post(handle, lang string, it feeds.Item, prev store.SeenItem, wasSeen bool, now time.Time) (store.Post, error) {
	rec := store.SeenItem{Key: it.Key, ObjectID: b.render.Object(handle, it.Key), Hash: it.Hash}
	input := actor.Item{Key: it.Key, Title: it.Title, Link: it.Link, Summary: it.Summary, Content: it.Content,
		Language: lang, Author: it.Author, Categories: it.Categories}
	if it.ImageURL != "" {
		input.Images = []actor.Image{{URL: it.ImageURL}}
	}
	if !wasSeen {
		rec.Published = it.Published
		if rec.Published.IsZero() || rec.Published.After(now) {
			rec.Published = now
		}
		note, err := b.render.Post(handle, b.styles[handle], input, rec.Published, time.Time{})
		if err != nil {
			return store.Post{}, err
		}
		id, create, err := b.render.Create(handle, note, rec.Published)
		if err != nil {
			return store.Post{}, err
		}
		return store.Post{Item: rec, Object: store.Document{ID: rec.ObjectID, JSON: note}, Activity: store.Document{ID: id, JSON: create}, At: rec.Published}, nil
	}
	rec.Published, rec.Version = prev.Published, prev.Version+1
	// Peers ignore an Update whose updated is not later than the last one.
	rec.Updated = now
	if !rec.Updated.After(prev.Updated) {
		rec.Updated = prev.Updated.Add(time.Second)
	}
	note, err := b.render.Post(handle, b.styles[handle], input, rec.Published, rec.Updated)
	if err != nil {
		return store.Post{}, err
	}
	id, update, err := b.render.Update(handle, note, rec.Version, rec.Updated)
	if err != nil {
		return store.Post{}, err
	}
	return store.Post{Item: rec, Object: store.Document{ID: rec.ObjectID, JSON: note}, Activity: store.Document{ID: id, JSON: update}, At: rec.Updated}, nil
}
