package clientapi

import (
	"math"
	"slices"

	"herald/store"
)

// groupedPage returns the page p of handle's notification groups, as
// groupPage over the notifications that keep admits would, but reading
// the interactions for the account a chunk at a time (noticeReader) until
// the page's groups are known, and the history of each group's subject
// (the likes or boosts of its post, the follows) for their hour buckets
// and members, rather than every interaction of the account.
func (a *API) groupedPage(handle string, p pageQuery, keep func(notice) bool, g grouping) ([]group, uint64, error) {
	dismissed, err := a.o.Store.NotificationDismissals(handle)
	if err != nil {
		return nil, 0, err
	}
	follows, err := a.followNotices(handle)
	if err != nil {
		return nil, 0, err
	}
	wanted := func(n notice) bool { return !dismissed.Dismissed(n.id) && keep(n) }
	h := newGroupHistory(a, follows)
	r := noticeReader{a: a, actorID: a.o.Render.Actor(handle), oldestFirst: p.minID != 0, size: max(2*p.limit, 64)}
	r.after, r.before = p.bounds()
	var read []notice
	for {
		chunk, done, err := r.next()
		if err != nil {
			return nil, 0, err
		}
		read = append(read, slices.DeleteFunc(chunk, func(n notice) bool { return !wanted(n) })...)
		candidates := slices.Clone(read)
		for _, n := range h.follows {
			if wanted(n) && (done || r.covers(n)) {
				candidates = append(candidates, n)
			}
		}
		slices.SortFunc(candidates, func(x, y notice) int { return cmpID(y.id, x.id) })
		if err := h.setHours(candidates); err != nil {
			return nil, 0, err
		}
		if walked, complete := walkGroups(candidates, p, g); complete || done {
			groups, index, top, low := pageGroups(walked, g)
			return groups, low, h.fill(groups, index, walked, g, top, wanted)
		}
	}
}

// groupHistory holds, for the subjects of a page's notifications (a post
// and the kind of reaction to it, or the follows), all their
// notifications, newest first, with their hour buckets.
type groupHistory struct {
	a       *API
	follows []notice
	bySubj  map[string][]notice
	hours   map[uint64]int64
}

func newGroupHistory(a *API, follows []notice) *groupHistory {
	follows = slices.Clone(follows)
	slices.SortFunc(follows, func(x, y notice) int { return cmpID(y.id, x.id) })
	setGroupHours(follows)
	h := &groupHistory{a: a, follows: follows, bySubj: map[string][]notice{typeFollow: follows}, hours: map[uint64]int64{}}
	for _, n := range follows {
		h.hours[n.id] = n.hour
	}
	return h
}

// history returns the notifications of n's subject, reading them once.
func (h *groupHistory) history(n notice) ([]notice, error) {
	if list, ok := h.bySubj[n.subject()]; ok {
		return list, nil
	}
	on, _, err := h.a.o.Store.Interactions(n.on.Object, n.on.Kind, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	var list []notice
	for i := range on {
		if m, ok := noticeOf(&on[i]); ok {
			list = append(list, m)
		}
	}
	slices.SortFunc(list, func(x, y notice) int { return cmpID(y.id, x.id) })
	setGroupHours(list)
	for _, m := range list {
		h.hours[m.id] = m.hour
	}
	h.bySubj[n.subject()] = list
	return list, nil
}

// setHours sets the hour bucket of each groupable notification of list.
func (h *groupHistory) setHours(list []notice) error {
	for i := range list {
		if !slices.Contains(groupableTypes, list[i].typ) {
			continue
		}
		if _, err := h.history(list[i]); err != nil {
			return err
		}
		list[i].hour = h.hours[list[i].id]
	}
	return nil
}

// fill sets the members of the page's groups: a grouped one's
// notifications up to top that are wanted, from its subject's history;
// an ungrouped one's notification.
func (h *groupHistory) fill(groups []group, index map[string]int, walked []notice, g grouping, top uint64, wanted func(notice) bool) error {
	for _, n := range walked {
		i := index[g.key(n)]
		if len(groups[i].members) > 0 {
			continue
		}
		if !slices.Contains(groupableTypes, n.typ) || g.key(n) == "ungrouped-"+formatID(n.id) {
			groups[i].members = []notice{n}
			continue
		}
		list, err := h.history(n)
		if err != nil {
			return err
		}
		for _, m := range list {
			if m.id <= top && wanted(m) && g.key(m) == groups[i].key {
				groups[i].members = append(groups[i].members, m)
			}
		}
	}
	return nil
}

// noticeOf is the notification of interaction i; ok is false for a kind
// that makes none.
func noticeOf(i *store.Interaction) (notice, bool) {
	typ := notificationTypes[i.Kind]
	if typ == "" {
		return notice{}, false
	}
	return notice{id: statusID(i.Received, typ+"\x00"+i.ID), typ: typ, at: i.Received, actor: i.Actor, on: i}, true
}
