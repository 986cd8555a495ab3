package clientapi

import (
	"net/http"
	"net/url"

	"herald/oauth"
	"herald/respond"
)

// Page sizes of notifications: Mastodon's default and its maximum.
const (
	defaultNotificationLimit = 40
	maxNotificationLimit     = 80
)

// handleNotifications answers GET /api/v1/notifications: the account's
// notifications, newest first, kept by types[], exclude_types[] and
// account_id, paged with max_id, since_id, min_id and limit and a Link
// header, as Mastodon's NotificationsController.
func (a *API) handleNotifications(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	q := r.URL.Query()
	f := noticeFilter{types: listParam(q, "types"), excluded: listParam(q, "exclude_types"), account: q.Get("account_id")}
	p := readPageQuery(q, defaultNotificationLimit, maxNotificationLimit)
	found, err := a.noticePage(access.Handle, p, f.keeps)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	v := a.newView(access)
	out := []Notification{}
	for _, n := range found {
		note, ok, err := v.notification(n)
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
		if ok {
			out = append(out, note)
		}
	}
	if len(found) > 0 {
		w.Header().Set("Link", a.pageLinks(r, found[0].id, found[len(found)-1].id, len(found) == p.limit))
	}
	writeJSON(w, out)
}

// listParam reads an array parameter, sent as name[] (Rails' form arrays)
// or name.
func listParam(q url.Values, name string) []string {
	return append(q[name+"[]"], q[name]...)
}

// findNotice returns the account's notification whose id the path names.
func (a *API) findNotice(r *http.Request, handle string) (notice, bool, error) {
	id, ok := parseID(r.PathValue("id"))
	if !ok || id == 0 {
		return notice{}, false, nil
	}
	found, err := a.noticePage(handle, pageQuery{maxID: id + 1, sinceID: id - 1, limit: 1}, func(notice) bool { return true })
	if err != nil || len(found) == 0 {
		return notice{}, false, err
	}
	return found[0], true, nil
}

// handleNotification answers GET /api/v1/notifications/{id}.
func (a *API) handleNotification(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	n, found, err := a.findNotice(r, access.Handle)
	if !a.looked(w, r, found, err) {
		return
	}
	note, ok, err := a.newView(access).notification(n)
	if !a.looked(w, r, ok, err) {
		return
	}
	writeJSON(w, note)
}

// handleDismiss answers POST /api/v1/notifications/{id}/dismiss: the
// notification is dismissed for the account (every app of it), and the
// answer is Mastodon's empty object.
func (a *API) handleDismiss(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	n, found, err := a.findNotice(r, access.Handle)
	if !a.looked(w, r, found, err) {
		return
	}
	if err := a.o.Store.DismissNotification(access.Handle, n.id); err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	writeJSON(w, struct{}{})
}

// handleClear answers POST /api/v1/notifications/clear: every
// notification of the account until now is dismissed.
func (a *API) handleClear(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	through := uint64(max(a.o.Now().UnixMilli(), 0))<<16 | 0xffff
	if err := a.o.Store.ClearNotifications(access.Handle, through); err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	writeJSON(w, struct{}{})
}
