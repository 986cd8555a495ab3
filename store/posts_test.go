package store

import (
	"fmt"
	"time"
)

// doc returns a small JSON-LD document with id.
func doc(id string) Document {
	return Document{ID: id, JSON: []byte(fmt.Sprintf(`{"id":%q}`, id))}
}

// testPost returns the Create of a note made from the feed item key, at at.
func testPost(key string, at time.Time) Post {
	obj := "https://h.example/blog/notes/" + key
	return Post{
		Item:     SeenItem{Key: key, ObjectID: obj, Hash: "h-" + key, Published: at, Version: 0},
		Object:   doc(obj),
		Activity: doc(obj + "/create"),
		At:       at,
	}
}
