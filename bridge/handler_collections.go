package bridge

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"herald/actor"
)

// outboxPageSize is the number of activities on one outbox page.
const outboxPageSize = 20

// handleOutbox answers GET /users/{handle}/outbox: the collection with its
// size and first page, or with ?page=true a page of activities, newest
// first. ?before=UNIXNANO continues after the previous page; pages are cut by
// time, so they stay the same when new posts arrive.
func (b *Bridge) handleOutbox(w http.ResponseWriter, r *http.Request) {
	handle, ok := b.knownHandle(r)
	if !ok {
		writeError(w, http.StatusNotFound, "no such account")
		return
	}
	id := b.render.Outbox(handle)
	q := r.URL.Query()
	if q.Get("page") == "" {
		_, total, err := b.store.Outbox(handle, time.Time{}, 0)
		if err != nil {
			internalError(w, b.log, r, err)
			return
		}
		doc, err := actor.Collection(id, total, id+"?page=true")
		if err != nil {
			internalError(w, b.log, r, err)
			return
		}
		writeDocument(w, doc)
		return
	}
	var before time.Time
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			writeError(w, http.StatusBadRequest, "before must be a positive integer")
			return
		}
		before = time.Unix(0, n)
	}
	b.writeOutboxPage(w, r, handle, before)
}

func (b *Bridge) writeOutboxPage(w http.ResponseWriter, r *http.Request, handle string, before time.Time) {
	id := b.render.Outbox(handle)
	entries, _, err := b.store.Outbox(handle, before, outboxPageSize)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	items := make([]json.RawMessage, len(entries))
	for i, e := range entries {
		items[i] = e.Activity
	}
	pageID := id + "?page=true"
	if !before.IsZero() {
		pageID += "&before=" + strconv.FormatInt(before.UnixNano(), 10)
	}
	next := ""
	if len(entries) == outboxPageSize {
		next = id + "?page=true&before=" + strconv.FormatInt(entries[len(entries)-1].At.UnixNano(), 10)
	}
	doc, err := actor.CollectionPage(pageID, id, next, items)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeDocument(w, doc)
}

// handleFollowers answers GET /users/{handle}/followers with the count only:
// like Mastodon by default, Herald does not publish who follows, unless the
// feed sets show_followers.
func (b *Bridge) handleFollowers(w http.ResponseWriter, r *http.Request) {
	handle, ok := b.knownHandle(r)
	if !ok {
		writeError(w, http.StatusNotFound, "no such account")
		return
	}
	if b.feedConfig(handle).ShowFollowers {
		b.writeFollowerList(w, r, handle)
		return
	}
	n, err := b.store.FollowerCount(handle)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	doc, err := actor.Collection(b.render.Followers(handle), n, "")
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeDocument(w, doc)
}

// handleFollowing answers GET /users/{handle}/following: a feed follows no one.
func (b *Bridge) handleFollowing(w http.ResponseWriter, r *http.Request) {
	b.writeEmptyCollection(w, r, b.render.Following)
}

func (b *Bridge) writeEmptyCollection(w http.ResponseWriter, r *http.Request, idOf func(string) string) {
	handle, ok := b.knownHandle(r)
	if !ok {
		writeError(w, http.StatusNotFound, "no such account")
		return
	}
	doc, err := actor.ItemsCollection(idOf(handle), nil)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeDocument(w, doc)
}

// writeFollowerList answers the followers collection with its members, for
// feeds that set show_followers.
func (b *Bridge) writeFollowerList(w http.ResponseWriter, r *http.Request, handle string) {
	followers, err := b.store.Followers(handle)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	ids := make([]string, len(followers))
	for i, f := range followers {
		ids[i] = f.ID
	}
	doc, err := actor.IDsCollection(b.render.Followers(handle), ids)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeDocument(w, doc)
}
