package clientapi

import (
	"slices"
	"time"

	"herald/store"
)

// noticePage returns the page p of handle's notifications that keep
// admits, newest first, as page(a.notices(handle), p, keep) would, but
// reading the interactions for the account a chunk at a time in the
// order they were received (Store.InteractionsFor) instead of all of
// them: a page of a large account costs what the page holds, not what
// the account ever received. Chunks end on whole milliseconds (a
// notification's id orders it within its millisecond by a hash), so that
// every notification of the milliseconds read so far is known before the
// page is cut. The followers, for the follows, are read whole, as before.
func (a *API) noticePage(handle string, p pageQuery, keep func(notice) bool) ([]notice, error) {
	dismissed, err := a.o.Store.NotificationDismissals(handle)
	if err != nil {
		return nil, err
	}
	follows, err := a.followNotices(handle)
	if err != nil {
		return nil, err
	}
	wanted := func(n notice) bool { return p.admits(n.id) && !dismissed.Dismissed(n.id) && keep(n) }
	r := noticeReader{a: a, actorID: a.o.Render.Actor(handle), oldestFirst: p.minID != 0, size: max(2*p.limit, 64)}
	r.after, r.before = p.bounds()
	var found []notice
	for {
		read, done, err := r.next()
		if err != nil {
			return nil, err
		}
		for _, n := range read {
			if wanted(n) {
				found = append(found, n)
			}
		}
		candidates := slices.Clone(found)
		for _, n := range follows {
			if wanted(n) && (done || r.covers(n)) {
				candidates = append(candidates, n)
			}
		}
		if done || len(candidates) >= p.limit {
			return r.cut(candidates, p.limit), nil
		}
	}
}

// followNotices returns the follow notifications of handle, one for each
// follower with a known start.
func (a *API) followNotices(handle string) ([]notice, error) {
	followers, err := a.o.Store.Followers(handle)
	if err != nil {
		return nil, err
	}
	var out []notice
	for _, f := range followers {
		if !f.Since.IsZero() {
			out = append(out, notice{id: statusID(f.Since, typeFollow+"\x00"+f.ID), typ: typeFollow, at: f.Since, actor: f.ID})
		}
	}
	return out, nil
}

// maxNoticeChunk is the most interactions one read of a page takes, but
// for one millisecond that holds more.
const maxNoticeChunk = 4096

// noticeReader reads the notifications made from an account's
// interactions, whole milliseconds at a time, from the newest (or, with
// oldestFirst, the oldest) between after and before.
type noticeReader struct {
	a             *API
	actorID       string
	oldestFirst   bool
	size          int
	after, before time.Time
	// edge is the last millisecond read completely (valid once read).
	edge int64
}

// next reads the next chunk; done is true when nothing is left.
func (r *noticeReader) next() (read []notice, done bool, err error) {
	for {
		list, err := r.a.o.Store.InteractionsFor(r.actorID, r.after, r.before, !r.oldestFirst, r.size)
		if err != nil {
			return nil, false, err
		}
		done = len(list) < r.size
		if !done { // leave out the last millisecond, which may go on beyond the chunk
			last := list[len(list)-1].Received.UnixMilli()
			cut := slices.IndexFunc(list, func(i store.Interaction) bool { return i.Received.UnixMilli() == last })
			if cut == 0 { // one millisecond fills the chunk: read more at once
				r.size *= 2
				continue
			}
			list = list[:cut]
			r.size = min(2*r.size, maxNoticeChunk) // a filter that keeps few reads on
		}
		for i := range list {
			if n, ok := noticeOf(&list[i]); ok {
				read = append(read, n)
			}
		}
		if len(list) > 0 {
			r.edge = list[len(list)-1].Received.UnixMilli()
			if r.oldestFirst {
				r.after = time.UnixMilli(r.edge + 1).Add(-time.Nanosecond)
			} else {
				r.before = time.UnixMilli(r.edge)
			}
		}
		return read, done, nil
	}
}

// covers reports whether n lies in the milliseconds read completely.
func (r *noticeReader) covers(n notice) bool {
	ms := int64(n.id >> 16)
	if r.oldestFirst {
		return ms <= r.edge
	}
	return ms >= r.edge
}

// cut returns the limit notifications nearest the start, newest first.
func (r *noticeReader) cut(all []notice, limit int) []notice {
	slices.SortFunc(all, func(x, y notice) int { return cmpID(y.id, x.id) })
	if r.oldestFirst {
		return all[max(len(all)-limit, 0):]
	}
	return all[:min(len(all), limit)]
}
