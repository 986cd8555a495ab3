package clientapi

import (
	"net/http"
	"slices"
	"time"

	"herald/oauth"
	"herald/respond"
)

// maxPinned is how many posts an account pins at most (Mastodon's limit,
// which the featured collection keeps too).
const maxPinned = 5

// pinnedObjects returns the object ids of the posts handle pins (its
// feed's featured entries: item guids or article URLs).
func (a *API) pinnedObjects(handle string) (map[string]bool, error) {
	want := a.o.Accounts.Feed(handle).Featured
	out := map[string]bool{}
	if len(want) == 0 {
		return out, nil
	}
	seen, err := a.o.Store.SeenItems(handle)
	if err != nil {
		return nil, err
	}
	for key, it := range seen {
		if it.Deleted.IsZero() && (slices.Contains(want, key) || it.Link != "" && slices.Contains(want, it.Link)) {
			out[it.ObjectID] = true
		}
	}
	return out, nil
}

// writePinned answers an account's pinned posts, newest first.
func (a *API) writePinned(w http.ResponseWriter, r *http.Request, handle string, access oauth.Access) {
	objects, err := a.pinnedObjects(handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	seen, err := a.o.Store.SeenItems(handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	var found []post
	for _, it := range seen {
		if !objects[it.ObjectID] {
			continue
		}
		// The Create sits at the post's publication time in the outbox.
		entries, err := a.o.Store.OutboxBetween(handle, it.Published.Add(-time.Nanosecond), it.Published.Add(time.Millisecond), true, chunk)
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
		for _, e := range entries {
			if p, ok, err := a.postOf(handle, e); err == nil && ok && p.Note.ID == it.ObjectID {
				found = append(found, p)
				break
			}
		}
	}
	slices.SortFunc(found, func(x, y post) int { return -x.At.Compare(y.At) })
	statuses, err := a.statuses(found[:min(len(found), maxPinned)], access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	writeJSON(w, statuses)
}
