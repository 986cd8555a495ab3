package clientapi

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"herald/oauth"
	"herald/respond"
	"herald/store"
)

// Mastodon's bounds on scheduled posts (ScheduledStatus): at least
// minScheduleOffset ahead, at most totalScheduled per account and
// dailyScheduled on one day (UTC).
const (
	minScheduleOffset = 5 * time.Minute
	totalScheduled    = 300
	dailyScheduled    = 25
)

// ScheduledStatus is Mastodon's ScheduledStatus entity.
type ScheduledStatus struct {
	ID               string            `json:"id"`
	ScheduledAt      string            `json:"scheduled_at"`
	Params           ScheduledParams   `json:"params"`
	MediaAttachments []MediaAttachment `json:"media_attachments"`
}

// ScheduledParams are the parameters the post will be made with, as
// Mastodon's ScheduledStatus entity gives them.
type ScheduledParams struct {
	Text          string   `json:"text"`
	Poll          any      `json:"poll"`
	MediaIDs      []string `json:"media_ids"`
	Sensitive     bool     `json:"sensitive"`
	SpoilerText   *string  `json:"spoiler_text"`
	Visibility    string   `json:"visibility"`
	InReplyToID   *string  `json:"in_reply_to_id"`
	Language      *string  `json:"language"`
	ApplicationID *string  `json:"application_id"`
	ScheduledAt   *string  `json:"scheduled_at"`
	Idempotency   *string  `json:"idempotency"`
	WithRateLimit bool     `json:"with_rate_limit"`
}

// scheduledEntity renders st.
func scheduledEntity(st store.ScheduledStatus) ScheduledStatus {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return ScheduledStatus{ID: formatID(st.ID), ScheduledAt: st.ScheduledAt.UTC().Format(timeFormat), MediaAttachments: []MediaAttachment{},
		Params: ScheduledParams{Text: st.Text, Sensitive: st.Sensitive, SpoilerText: opt(st.SpoilerText), Visibility: st.Visibility,
			InReplyToID: opt(st.InReplyToID), Language: opt(st.Language), ApplicationID: opt(st.ClientID)}}
}

// readScheduledAt reads the scheduled_at parameter: zero when it is not
// given or in the past (Mastodon then posts at once), a refusal when it
// is not a time or less than minScheduleOffset ahead.
func (a *API) readScheduledAt(params url.Values) (time.Time, *refusal) {
	v := params.Get("scheduled_at")
	if v == "" {
		return time.Time{}, nil
	}
	at, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, unprocessable("Validation failed: Scheduled at is not a time (ISO 8601 with a time zone)")
	}
	now := a.o.Now()
	switch {
	case !at.After(now):
		return time.Time{}, nil
	case !at.After(now.Add(minScheduleOffset)):
		return time.Time{}, unprocessable("Validation failed: Scheduled at must be at least 5 minutes in the future")
	}
	return at.UTC().Truncate(time.Millisecond), nil
}

// checkScheduleLimits refuses at when handle has totalScheduled posts
// scheduled, or dailyScheduled on at's day, not counting the post except.
func (a *API) checkScheduleLimits(handle string, at time.Time, except uint64) (*refusal, error) {
	all, err := a.o.Store.ScheduledStatuses(handle)
	if err != nil {
		return nil, err
	}
	all = slices.DeleteFunc(all, func(st store.ScheduledStatus) bool { return st.ID == except })
	day := 0
	for _, st := range all {
		if st.ScheduledAt.UTC().Truncate(24 * time.Hour).Equal(at.UTC().Truncate(24 * time.Hour)) {
			day++
		}
	}
	switch {
	case len(all) >= totalScheduled:
		return unprocessable("Validation failed: Scheduled at You have exceeded the limit of 300 scheduled posts"), nil
	case day >= dailyScheduled:
		return unprocessable("Validation failed: Scheduled at You have exceeded the limit of 25 scheduled posts for that day"), nil
	}
	return nil, nil
}

// schedule stores d as a post of the signed-in account to go out at
// d.scheduledAt, with an entry in the audit log, and answers the
// ScheduledStatus.
func (a *API) schedule(w http.ResponseWriter, r *http.Request, d draft, access oauth.Access) {
	refused, err := a.checkScheduleLimits(access.Handle, d.scheduledAt, 0)
	if err != nil || refused != nil {
		a.answerRefusal(w, r, refused, err)
		return
	}
	now := a.o.Now()
	st := store.ScheduledStatus{Handle: access.Handle, ScheduledAt: d.scheduledAt, Text: d.text, SpoilerText: d.spoiler,
		Sensitive: d.sensitive, Language: d.language, Visibility: d.visibility, Who: access.Who, ClientID: access.ClientID, Created: now.UTC()}
	if d.replyTo != nil {
		st.InReplyToID = formatID(d.replyTo.id())
	}
	for range 3 { // a taken id gets another
		st.ID = newStatusID(now)
		if err = a.o.Store.AddScheduledStatus(st); !errors.Is(err, store.ErrExists) {
			break
		}
	}
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	a.auditScheduled(access, store.AuditSchedule, st)
	a.o.Log.Info("post scheduled in an app", "account", access.Handle, "scheduled_id", st.ID, "scheduled_at", st.ScheduledAt, "who", access.Who.Name)
	writeJSON(w, scheduledEntity(st))
}

// answerRefusal answers err as an internal error, else refused.
func (a *API) answerRefusal(w http.ResponseWriter, r *http.Request, refused *refusal, err error) {
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	respond.Error(w, refused.status, refused.msg)
}

// auditScheduled writes who did action on the scheduled post st to the
// audit log; a failure is logged, not answered.
func (a *API) auditScheduled(access oauth.Access, action string, st store.ScheduledStatus) {
	e := store.AuditEntry{At: a.o.Now().UTC(), Action: action, Who: access.Who, Account: access.Handle, ClientID: access.ClientID,
		Scheduled: formatID(st.ID), ScheduledAt: st.ScheduledAt, Visibility: st.Visibility}
	if app, err := a.o.Store.OAuthApp(access.ClientID); err == nil {
		e.App = app.Name
	}
	if err := a.o.Store.AddAudit(e); err != nil {
		a.o.Log.Error("write audit log", "action", action, "error", err)
	}
}
