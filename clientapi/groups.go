package clientapi

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Grouped notifications (Mastodon 4.3's /api/v2/notifications) put
// together the notifications of one kind about one thing, as Mastodon's
// Notification::Groups does: the favourites of one post, the reblogs of
// one post, the follows. A group spans at most 12 hours from its first
// notification's hour: the hour bucket of a notification is its hour
// since the epoch, or the bucket before it of the same type and post when
// that began less than 12 hours earlier. Mastodon keeps the last bucket
// in Redis as notifications come; Herald, which keeps no notifications,
// walks them oldest first each time, which gives the same buckets. Every
// other notification is its own group, "ungrouped-ID".

// groupableTypes are the types Mastodon groups.
var groupableTypes = []string{typeFavourite, typeReblog, typeFollow}

// maxGroupHours is Mastodon's MAXIMUM_GROUP_SPAN_HOURS.
const maxGroupHours = 12

// sampleAccounts is how many accounts a group names (Mastodon's
// SAMPLE_ACCOUNTS_SIZE).
const sampleAccounts = 8

// subject is what a groupable notice is about: its type and the post (""
// for a follow).
func (n notice) subject() string {
	if n.on == nil {
		return n.typ
	}
	return n.typ + "\x00" + n.on.Object
}

// setGroupHours sets the hour bucket of every groupable notice of all
// (newest first).
func setGroupHours(all []notice) {
	last := map[string]int64{}
	for i := len(all) - 1; i >= 0; i-- {
		n := &all[i]
		if !slices.Contains(groupableTypes, n.typ) {
			continue
		}
		hour := n.at.Unix() / 3600
		if prev, ok := last[n.subject()]; ok && hour < prev+maxGroupHours {
			hour = prev
		}
		n.hour, last[n.subject()] = hour, hour
	}
}

// grouping says which types a request groups (grouped_types[], else
// every groupable one).
type grouping []string

func newGrouping(asked []string) grouping {
	if len(asked) == 0 {
		return groupableTypes
	}
	return grouping(asked)
}

// key is the group n belongs to inside Herald: its subject and hour, or
// its own id when it is not grouped.
func (g grouping) key(n notice) string {
	if !slices.Contains(groupableTypes, n.typ) || !slices.Contains(g, n.typ) {
		return "ungrouped-" + formatID(n.id)
	}
	return n.subject() + "\x00" + strconv.FormatInt(n.hour, 10)
}

// group is a notification group as a page shows it.
type group struct {
	key string
	// members are its notifications up to the page's newest, newest
	// first; members[0] is the one the group shows.
	members []notice
	// pageMin is the oldest of its notifications within the page.
	pageMin uint64
	// paged tells whether the group was cut from a page (pageMin is set).
	paged bool
}

// groupPage cuts a page of groups out of all (newest first, kept by the
// request's types): at most p.limit groups, each shown by its newest
// notification within the page's bounds, as Mastodon's
// paginate_groups_by_max_id and _by_min_id. With min_id it takes the
// groups right above min_id. It returns the groups, newest first, and the
// oldest notification id the page reached (for the next page's max_id).
func groupPage(all []notice, p pageQuery, g grouping) (groups []group, low uint64) {
	walked, _ := walkGroups(all, p, g)
	groups, index, top, low := pageGroups(walked, g)
	for _, n := range all { // Mastodon counts a group's notifications up to the page's newest
		if i, ok := index[g.key(n)]; ok && n.id <= top {
			groups[i].members = append(groups[i].members, n)
		}
	}
	return groups, low
}

// walkGroups walks all (newest first) from the page's start, as far as
// the page reaches: through the notification that makes p.limit groups
// (newest first), or up to the one that would make one more (with
// min_id, oldest first). complete is false when all ran out first.
func walkGroups(all []notice, p pageQuery, g grouping) (walked []notice, complete bool) {
	seen := map[string]bool{}
	order := func(i int) int { return i }
	if p.minID != 0 {
		order = func(i int) int { return len(all) - 1 - i }
	}
	for i := range all {
		n := all[order(i)]
		if !p.admits(n.id) {
			continue
		}
		k := g.key(n)
		if !seen[k] && len(seen) == p.limit {
			return walked, true
		}
		seen[k] = true
		walked = append(walked, n)
		if p.minID == 0 && len(seen) == p.limit {
			return walked, true
		}
	}
	return walked, false
}

// pageGroups makes the groups of the notifications walked, newest first,
// without their members: index finds a group by key; top and low are the
// newest and oldest notification walked.
func pageGroups(walked []notice, g grouping) (groups []group, index map[string]int, top, low uint64) {
	if len(walked) == 0 {
		return nil, nil, 0, 0
	}
	slices.SortFunc(walked, func(x, y notice) int { return cmpID(y.id, x.id) })
	index = map[string]int{}
	for _, n := range walked {
		k := g.key(n)
		i, ok := index[k]
		if !ok {
			i, index[k] = len(groups), len(groups)
			groups = append(groups, group{key: k, paged: true})
		}
		groups[i].pageMin = n.id
	}
	return groups, index, walked[0].id, walked[len(walked)-1].id
}

// findGroup returns the group whose key (as Mastodon writes it) is
// public, with all its notifications; statusOf is as for publicKey.
// "ungrouped-ID" names the notification ID whatever its group, as
// Mastodon's by_group_key does: the group it belongs to is returned, and
// only reports whether that notification is its whole group.
func findGroup(all []notice, public string, statusOf func(object string) (uint64, bool, error)) (gr group, one *notice, err error) {
	g := newGrouping(nil)
	byKey := map[string]*group{}
	var keys []string
	for _, n := range all {
		k := g.key(n)
		if byKey[k] == nil {
			byKey[k] = &group{key: k}
			keys = append(keys, k)
		}
		byKey[k].members = append(byKey[k].members, n)
	}
	if id, ok := strings.CutPrefix(public, "ungrouped-"); ok {
		for _, n := range all {
			if formatID(n.id) == id {
				return *byKey[g.key(n)], &n, nil
			}
		}
		return group{}, nil, nil
	}
	for _, k := range keys {
		gr := *byKey[k]
		if !mayBe(gr, public) {
			continue
		}
		key, ok, err := gr.publicKey(statusOf)
		if err != nil || ok && key == public {
			return gr, nil, err
		}
	}
	return group{}, nil, nil
}

// mayBe reports whether the group may have the public key, without
// looking up its post: the type and the hour agree.
func mayBe(gr group, public string) bool {
	if strings.HasPrefix(gr.key, "ungrouped-") {
		return gr.key == public
	}
	n := gr.members[0]
	return strings.HasPrefix(public, n.typ+"-") && strings.HasSuffix(public, "-"+strconv.FormatInt(n.hour, 10))
}

// publicKey writes the group's key as Mastodon does: "ungrouped-ID",
// "favourite-STATUS-HOUR", "reblog-STATUS-HOUR" or "follow-HOUR";
// statusOf gives the status id of a post. ok is false when the post is
// gone.
func (gr group) publicKey(statusOf func(object string) (uint64, bool, error)) (string, bool, error) {
	if strings.HasPrefix(gr.key, "ungrouped-") {
		return gr.key, true, nil
	}
	n := gr.members[0]
	if n.on == nil {
		return fmt.Sprintf("%s-%d", n.typ, n.hour), true, nil
	}
	id, found, err := statusOf(n.on.Object)
	if err != nil || !found {
		return "", false, err
	}
	return fmt.Sprintf("%s-%d-%d", n.typ, id, n.hour), true, nil
}
