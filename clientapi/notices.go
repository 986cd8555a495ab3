package clientapi

import (
	"math"
	"slices"
	"time"

	"herald/store"
)

// Herald keeps no notifications: it makes them, each time they are asked
// for, from what the inbox recorded for an account (the likes, boosts and
// replies of its posts, its mentions) and from its followers, leaving out
// those its team dismissed (store.Dismissals). A notification's id is the
// time of what it tells in milliseconds shifted left 16 bits, plus 16 bits
// of the hash of its type and what it is about: stable, and sorting by
// time as Mastodon's do.

// Notification types Herald makes, as Mastodon names them.
const (
	typeMention   = "mention"
	typeFavourite = "favourite"
	typeReblog    = "reblog"
	typeFollow    = "follow"
)

// notificationTypes are the types a reply, like, boost and mention make.
var notificationTypes = map[string]string{
	store.KindReply: typeMention, store.KindMention: typeMention, store.KindLike: typeFavourite, store.KindShare: typeReblog,
}

// notice is one notification of an account.
type notice struct {
	id    uint64
	typ   string
	at    time.Time
	actor string
	// on is the interaction it tells of; nil for a follow.
	on *store.Interaction
	// hour is the hour bucket of its group (groups.go), for the types
	// Mastodon groups.
	hour int64
}

// reached returns what reached handle from other accounts: the likes,
// boosts and replies of its posts and the posts that mention it (or are
// addressed to it), then its followers.
func (a *API) reached(handle string) ([]store.Interaction, []store.Follower, error) {
	actorID := a.o.Render.Actor(handle)
	on, err := a.o.Store.InteractionsOn(actorID + "/posts/")
	if err != nil {
		return nil, nil, err
	}
	mentions, _, err := a.o.Store.Interactions(actorID, store.KindMention, math.MaxInt32)
	if err != nil {
		return nil, nil, err
	}
	followers, err := a.o.Store.Followers(handle)
	if err != nil {
		return nil, nil, err
	}
	return append(on, mentions...), followers, nil
}

// notices returns handle's notifications that were not dismissed, newest
// first.
func (a *API) notices(handle string) ([]notice, error) {
	interactions, followers, err := a.reached(handle)
	if err != nil {
		return nil, err
	}
	dismissed, err := a.o.Store.NotificationDismissals(handle)
	if err != nil {
		return nil, err
	}
	var out []notice
	for _, i := range interactions {
		typ := notificationTypes[i.Kind]
		out = append(out, notice{id: statusID(i.Received, typ+"\x00"+i.ID), typ: typ, at: i.Received, actor: i.Actor, on: &i})
	}
	for _, f := range followers {
		if !f.Since.IsZero() {
			out = append(out, notice{id: statusID(f.Since, typeFollow+"\x00"+f.ID), typ: typeFollow, at: f.Since, actor: f.ID})
		}
	}
	out = slices.DeleteFunc(out, func(n notice) bool { return n.typ == "" })
	slices.SortFunc(out, func(x, y notice) int { return cmpID(y.id, x.id) })
	setGroupHours(out) // before dismissals, so that groups stay as they were
	return slices.DeleteFunc(out, func(n notice) bool { return dismissed.Dismissed(n.id) }), nil
}

// noticeFilter is what a request keeps of the notifications: types[] (all
// when empty), not exclude_types[], from account_id ("" for anyone).
type noticeFilter struct {
	types, excluded []string
	account         string
}

func (f noticeFilter) keeps(n notice) bool {
	return (len(f.types) == 0 || slices.Contains(f.types, n.typ)) && !slices.Contains(f.excluded, n.typ) &&
		(f.account == "" || remoteAccountID(n.actor) == f.account)
}

// page cuts a page out of all (newest first) as p asks: below max_id,
// above since_id (the newest such) or min_id (the oldest such), newest
// first.
func page(all []notice, p pageQuery, keep func(notice) bool) []notice {
	var out []notice
	if p.minID != 0 {
		for i := len(all) - 1; i >= 0 && len(out) < p.limit; i-- {
			if p.admits(all[i].id) && keep(all[i]) {
				out = append(out, all[i])
			}
		}
		slices.Reverse(out)
		return out
	}
	for _, n := range all {
		if len(out) == p.limit {
			break
		}
		if p.admits(n.id) && keep(n) {
			out = append(out, n)
		}
	}
	return out
}

// notification renders n as Mastodon's Notification; ok is false when
// what it is about is gone (a post deleted since).
func (v *view) notification(n notice) (note Notification, ok bool, err error) {
	acc, err := v.remoteAccount(n.actor)
	if err != nil {
		return Notification{}, false, err
	}
	s, ok, err := v.noticeStatus(n)
	if err != nil || !ok {
		return Notification{}, false, err
	}
	id := formatID(n.id)
	return Notification{ID: id, Type: n.typ, CreatedAt: n.at.UTC().Format(timeFormat), GroupKey: "ungrouped-" + id, Account: acc, Status: s}, true, nil
}

// noticeStatus renders the status n is about: the post received for a
// mention, the account's post for a favourite or reblog, nil for a
// follow; ok is false when the post is gone.
func (v *view) noticeStatus(n notice) (s *Status, ok bool, err error) {
	var st Status
	switch {
	case n.on == nil:
		return nil, true, nil
	case n.on.Kind == store.KindReply || n.on.Kind == store.KindMention:
		if st, err = v.receivedStatus(*n.on); err != nil {
			return nil, false, err
		}
	default:
		p, found, err := v.a.postByObject(n.on.Object)
		if err != nil || !found {
			return nil, false, err
		}
		if st, err = v.status(p); err != nil {
			return nil, false, err
		}
	}
	return &st, true, nil
}
