package admin

import (
	"net/http"
	"strconv"
	"time"

	"herald/config"
	"herald/respond"
	"herald/store"
)

// Sizes of an audit log page.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
)

// AuditLog is the answer of GET /admin/api/audit.
type AuditLog struct {
	Entries []AuditEntry `json:"entries"`
}

// AuditEntry is one line of the audit log: who did what (sign_in, post,
// reply, delete, schedule, reschedule, cancel), as which account, from which app, when, to which post.
type AuditEntry struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	// Who is the user's name or the admin token's; WhoKind says which
	// ("user" or "admin_token").
	Who      string `json:"who"`
	WhoKind  string `json:"who_kind"`
	Account  string `json:"account"`
	App      string `json:"app,omitempty"`
	ClientID string `json:"client_id,omitempty"`
	// Object is the post posted, answered with or deleted; InReplyTo the
	// post answered; Visibility the post's (public, unlisted, direct).
	Object     string `json:"object,omitempty"`
	InReplyTo  string `json:"in_reply_to,omitempty"`
	Visibility string `json:"visibility,omitempty"`
	// Scheduled is the client API id of the scheduled post scheduled,
	// moved, cancelled or published; ScheduledAt its (new) time.
	Scheduled   string    `json:"scheduled,omitempty"`
	ScheduledAt time.Time `json:"scheduled_at,omitzero"`
}

// handleAudit answers GET /admin/api/audit (operators only): the audit
// log, newest first; ?limit= (default 100, at most 1000) and ?before=
// (RFC 3339: entries older than that) page it.
func (a *Admin) handleAudit(w http.ResponseWriter, r *http.Request, _ config.AdminToken) {
	q := r.URL.Query()
	limit := defaultAuditLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			respond.Error(w, http.StatusBadRequest, "limit: a positive number")
			return
		}
		limit = min(n, maxAuditLimit)
	}
	var before time.Time
	if v := q.Get("before"); v != "" {
		var err error
		if before, err = time.Parse(time.RFC3339Nano, v); err != nil {
			respond.Error(w, http.StatusBadRequest, "before: an RFC 3339 time")
			return
		}
	}
	entries, err := a.o.Store.Audit(before, limit)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	out := AuditLog{Entries: []AuditEntry{}}
	for _, e := range entries {
		out.Entries = append(out.Entries, auditEntry(e))
	}
	respond.JSON(w, out)
}

func auditEntry(e store.AuditEntry) AuditEntry {
	return AuditEntry{At: e.At, Action: e.Action, Who: e.Who.Name, WhoKind: e.Who.Kind, Account: e.Account, App: e.App, ClientID: e.ClientID,
		Object: e.Object, InReplyTo: e.InReplyTo, Visibility: e.Visibility, Scheduled: e.Scheduled, ScheduledAt: e.ScheduledAt}
}
