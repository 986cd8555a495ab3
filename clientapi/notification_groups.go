package clientapi

import (
	"net/http"
	"strconv"

	"herald/oauth"
	"herald/respond"
)

// Counts of unread_count: Mastodon's default and its maximum.
const (
	defaultUnreadLimit = 100
	maxUnreadLimit     = 1000
)

// handleGroupedNotifications answers GET /api/v2/notifications, Mastodon
// 4.3's grouped notifications: a page of groups (groups.go), newest
// first, kept by types[] and exclude_types[], grouped as grouped_types[]
// asks (all groupable types when not given), paged with max_id, since_id,
// min_id and limit (40 groups, at most 80) and a Link header; each
// account and status the groups name comes once, in accounts and
// statuses.
func (a *API) handleGroupedNotifications(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	q := r.URL.Query()
	if e := q.Get("expand_accounts"); e != "" && e != "full" && e != "partial_avatars" {
		respond.Error(w, http.StatusBadRequest, "Invalid value for 'expand_accounts': '"+e+"', allowed values are 'full' and 'partial_avatars'")
		return
	}
	f := noticeFilter{types: listParam(q, "types"), excluded: listParam(q, "exclude_types")}
	p := readPageQuery(q, defaultNotificationLimit, maxNotificationLimit)
	groups, low, err := a.groupedPage(access.Handle, p, f.keeps, newGrouping(listParam(q, "grouped_types")))
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	answer := a.newGroupAnswer(access)
	for _, gr := range groups {
		if err := answer.add(gr); err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
	}
	if len(groups) > 0 {
		w.Header().Set("Link", a.pageLinks(r, groups[0].members[0].id, low, len(groups) == p.limit))
	}
	writeJSON(w, answer.out)
}

// findGroup returns the account's group that the path's group_key names,
// and its notifications that the key names: all, or for "ungrouped-ID"
// the one.
func (a *API) findGroup(r *http.Request, access oauth.Access) (group, []notice, error) {
	all, err := a.notices(access.Handle)
	if err != nil {
		return group{}, nil, err
	}
	gr, one, err := findGroup(all, r.PathValue("group_key"), a.newGroupAnswer(access).statusOf)
	if one != nil {
		return gr, []notice{*one}, err
	}
	return gr, gr.members, err
}

// handleNotificationGroup answers GET /api/v2/notifications/{group_key}:
// the group with all its notifications ("ungrouped-ID", as the first
// version's notifications name their groups, gives the group of that
// notification).
func (a *API) handleNotificationGroup(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	gr, named, err := a.findGroup(r, access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	answer := a.newGroupAnswer(access)
	if len(named) > 0 {
		if err := answer.add(gr); err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
	}
	if len(answer.out.NotificationGroups) == 0 {
		notFound(w)
		return
	}
	writeJSON(w, answer.out)
}

// handleDismissGroup answers POST /api/v2/notifications/{group_key}/dismiss:
// every notification of the group ("ungrouped-ID": that notification) is
// dismissed for the account, and the answer is Mastodon's empty object,
// also for a group that is not there.
func (a *API) handleDismissGroup(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	_, named, err := a.findGroup(r, access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	for _, n := range named {
		if err := a.o.Store.DismissNotification(access.Handle, n.id); err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
	}
	writeJSON(w, struct{}{})
}

// handleUnreadCount answers GET /api/v2/notifications/unread_count: how
// many groups have notifications newer than the account's notifications
// marker (all, without one), kept by types[], exclude_types[] and grouped
// as grouped_types[] asks, at most limit (100, at most 1,000), as
// Mastodon counts them.
func (a *API) handleUnreadCount(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	q := r.URL.Query()
	f := noticeFilter{types: listParam(q, "types"), excluded: listParam(q, "exclude_types")}
	limit := defaultUnreadLimit
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, maxUnreadLimit)
	}
	markers, err := a.o.Store.Markers(access.Handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	p := pageQuery{minID: markers["notifications"].LastReadID, limit: limit}
	groups, _, err := a.groupedPage(access.Handle, p, f.keeps, newGrouping(listParam(q, "grouped_types")))
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	writeJSON(w, map[string]int{"count": len(groups)})
}

// groupAnswer gathers a GroupedNotifications for one request: each
// account and status once.
type groupAnswer struct {
	v                  *view
	out                GroupedNotifications
	accounts, statuses map[string]bool
	statusIDs          map[string]uint64
}

func (a *API) newGroupAnswer(access oauth.Access) *groupAnswer {
	return &groupAnswer{v: a.newView(access), accounts: map[string]bool{}, statuses: map[string]bool{}, statusIDs: map[string]uint64{},
		out: GroupedNotifications{Accounts: []Account{}, Statuses: []Status{}, NotificationGroups: []NotificationGroup{}}}
}

// statusOf returns the status id of the post object of Herald's.
func (ga *groupAnswer) statusOf(object string) (uint64, bool, error) {
	if id, ok := ga.statusIDs[object]; ok {
		return id, true, nil
	}
	p, found, err := ga.v.a.postByObject(object)
	if err != nil || !found {
		return 0, false, err
	}
	ga.statusIDs[object] = p.ID
	return p.ID, true, nil
}

// add renders gr; a group about a post that is gone is left out.
func (ga *groupAnswer) add(gr group) error {
	key, ok, err := gr.publicKey(ga.statusOf)
	if err != nil || !ok {
		return err
	}
	latest := gr.members[0]
	s, ok, err := ga.v.noticeStatus(latest)
	if err != nil || !ok {
		return err
	}
	ng := NotificationGroup{GroupKey: key, NotificationsCount: len(gr.members), Type: latest.typ,
		MostRecentNotificationID: formatID(latest.id), SampleAccountIDs: []string{}}
	if gr.paged {
		ng.PageMinID, ng.PageMaxID, ng.LatestPageNotificationAt = formatID(gr.pageMin), ng.MostRecentNotificationID, latest.at.UTC().Format(timeFormat)
	}
	for _, n := range gr.members[:min(len(gr.members), sampleAccounts)] {
		acc, err := ga.v.remoteAccount(n.actor)
		if err != nil {
			return err
		}
		ng.SampleAccountIDs = append(ng.SampleAccountIDs, acc.ID)
		if !ga.accounts[acc.ID] {
			ga.accounts[acc.ID] = true
			ga.out.Accounts = append(ga.out.Accounts, acc)
		}
	}
	if s != nil {
		ng.StatusID = &s.ID
		if !ga.statuses[s.ID] {
			ga.statuses[s.ID] = true
			ga.out.Statuses = append(ga.out.Statuses, *s)
		}
	}
	ga.out.NotificationGroups = append(ga.out.NotificationGroups, ng)
	return nil
}
