package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"herald/actor"
	"herald/respond"
)

// outboxPageSize is the number of activities on one outbox page.
const outboxPageSize = 20

// handleOutbox answers GET /users/{handle}/outbox: the collection with its
// size and first page, or with ?page=true a page of activities, newest
// first. ?before=UNIXNANO continues after the previous page; pages are cut by
// time, so they stay the same when new posts arrive.
func (s *Server) handleOutbox(w http.ResponseWriter, r *http.Request) {
	handle, ok := s.knownHandle(r)
	if !ok {
		respond.Error(w, http.StatusNotFound, "no such account")
		return
	}
	id := s.o.Render.Outbox(handle)
	q := r.URL.Query()
	if q.Get("page") == "" {
		_, total, err := s.o.Store.Outbox(handle, time.Time{}, 0)
		if err != nil {
			respond.InternalError(w, s.o.Log, r, err)
			return
		}
		doc, err := actor.Collection(id, total, id+"?page=true")
		if err != nil {
			respond.InternalError(w, s.o.Log, r, err)
			return
		}
		respond.Document(w, doc)
		return
	}
	before, ok := pageBefore(w, r)
	if !ok {
		return
	}
	s.writeOutboxPage(w, r, handle, before)
}

func (s *Server) writeOutboxPage(w http.ResponseWriter, r *http.Request, handle string, before time.Time) {
	id := s.o.Render.Outbox(handle)
	entries, _, err := s.o.Store.Outbox(handle, before, outboxPageSize)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
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
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}

// handleFollowers answers GET /users/{handle}/followers with the count only:
// like Mastodon by default, Herald does not publish who follows, unless the
// feed sets show_followers.
func (s *Server) handleFollowers(w http.ResponseWriter, r *http.Request) {
	handle, ok := s.knownHandle(r)
	if !ok {
		respond.Error(w, http.StatusNotFound, "no such account")
		return
	}
	if s.o.Accounts.Feed(handle).ShowFollowers {
		s.writeFollowerList(w, r, handle)
		return
	}
	n, err := s.o.Store.FollowerCount(handle)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	doc, err := actor.Collection(s.o.Render.Followers(handle), n, "")
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}

// handleFollowing answers GET /users/{handle}/following: a feed follows no one.
func (s *Server) handleFollowing(w http.ResponseWriter, r *http.Request) {
	s.writeEmptyCollection(w, r, s.o.Render.Following)
}

func (s *Server) writeEmptyCollection(w http.ResponseWriter, r *http.Request, idOf func(string) string) {
	handle, ok := s.knownHandle(r)
	if !ok {
		respond.Error(w, http.StatusNotFound, "no such account")
		return
	}
	doc, err := actor.ItemsCollection(idOf(handle), nil)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}

// writeFollowerList answers the followers collection with its members, for
// feeds that set show_followers.
func (s *Server) writeFollowerList(w http.ResponseWriter, r *http.Request, handle string) {
	followers, err := s.o.Store.Followers(handle)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	ids := make([]string, len(followers))
	for i, f := range followers {
		ids[i] = f.ID
	}
	doc, err := actor.IDsCollection(s.o.Render.Followers(handle), ids)
	if err != nil {
		respond.InternalError(w, s.o.Log, r, err)
		return
	}
	respond.Document(w, doc)
}

// pageBefore reads ?before=UNIXNANO, where a page of the outbox (or of an
// account's page) continues after the previous one: zero when absent. A
// value that is not a positive integer is answered 400, and ok is false.
func pageBefore(w http.ResponseWriter, r *http.Request) (before time.Time, ok bool) {
	v := r.URL.Query().Get("before")
	if v == "" {
		return time.Time{}, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		respond.Error(w, http.StatusBadRequest, "before must be a positive integer")
		return time.Time{}, false
	}
	return time.Unix(0, n), true
}
