package clientapi

import (
	"errors"
	"net/http"
	"slices"

	"herald/oauth"
	"herald/respond"
	"herald/store"
)

// handleScheduledStatuses answers GET /api/v1/scheduled_statuses: the
// signed-in account's scheduled posts, newest id first, paged as
// Mastodon's (max_id, since_id, min_id, limit 20 and at most 40, a Link
// header).
func (a *API) handleScheduledStatuses(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	p := readPageQuery(r.URL.Query(), defaultLimit, maxLimit)
	all, err := a.o.Store.ScheduledStatuses(access.Handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	all = slices.DeleteFunc(all, func(st store.ScheduledStatus) bool { return !p.admits(st.ID) })
	slices.SortFunc(all, func(x, y store.ScheduledStatus) int { return cmpID(y.ID, x.ID) })
	if p.minID != 0 { // the page right above min_id
		all = all[max(len(all)-p.limit, 0):]
	}
	all = all[:min(len(all), p.limit)]
	out := make([]ScheduledStatus, 0, len(all))
	for _, st := range all {
		out = append(out, scheduledEntity(st))
	}
	if len(all) > 0 {
		w.Header().Set("Link", a.pageLinks(r, all[0].ID, all[len(all)-1].ID, len(all) == p.limit))
	}
	writeJSON(w, out)
}

// ownScheduled returns the signed-in account's scheduled post named by
// the path's id; when there is none, it has answered 404.
func (a *API) ownScheduled(w http.ResponseWriter, r *http.Request, access oauth.Access) (store.ScheduledStatus, bool) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		notFound(w)
		return store.ScheduledStatus{}, false
	}
	st, found, err := a.o.Store.ScheduledStatus(id)
	switch {
	case err != nil:
		respond.InternalError(w, a.o.Log, r, err)
		return st, false
	case !found || st.Handle != access.Handle:
		notFound(w)
		return st, false
	}
	return st, true
}

// handleScheduledStatus answers GET /api/v1/scheduled_statuses/{id}.
func (a *API) handleScheduledStatus(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	if st, ok := a.ownScheduled(w, r, access); ok {
		writeJSON(w, scheduledEntity(st))
	}
}

// handleReschedule answers PUT /api/v1/scheduled_statuses/{id}: the post
// is moved to scheduled_at, which must be at least 5 minutes ahead and
// within the limits, as when it was scheduled; without scheduled_at it
// stays. The answer is the ScheduledStatus.
func (a *API) handleReschedule(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	st, ok := a.ownScheduled(w, r, access)
	if !ok {
		return
	}
	params, err := oauth.ReadParams(w, r)
	if err != nil {
		respond.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	if params.Get("scheduled_at") == "" {
		writeJSON(w, scheduledEntity(st))
		return
	}
	at, refused := a.readScheduledAt(params)
	if refused == nil && at.IsZero() {
		refused = unprocessable("Validation failed: Scheduled at must be at least 5 minutes in the future")
	}
	if refused == nil {
		refused, err = a.checkScheduleLimits(access.Handle, at, st.ID)
	}
	if err != nil || refused != nil {
		a.answerRefusal(w, r, refused, err)
		return
	}
	st, err = a.o.Store.RescheduleStatus(st.ID, at)
	if err != nil {
		a.answerGone(w, r, err)
		return
	}
	a.auditScheduled(access, store.AuditReschedule, st)
	writeJSON(w, scheduledEntity(st))
}

// handleCancelScheduled answers DELETE /api/v1/scheduled_statuses/{id}:
// the post will not go out; the answer is an empty object, as Mastodon's.
func (a *API) handleCancelScheduled(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	st, ok := a.ownScheduled(w, r, access)
	if !ok {
		return
	}
	st, err := a.o.Store.CancelScheduledStatus(st.ID)
	if err != nil {
		a.answerGone(w, r, err)
		return
	}
	a.auditScheduled(access, store.AuditCancel, st)
	a.o.Log.Info("scheduled post cancelled in an app", "account", access.Handle, "scheduled_id", st.ID, "who", access.Who.Name)
	writeJSON(w, struct{}{})
}

// answerGone answers a store error about a scheduled post: 404 when it
// went (published or cancelled meanwhile), else 500.
func (a *API) answerGone(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		notFound(w)
		return
	}
	respond.InternalError(w, a.o.Log, r, err)
}
