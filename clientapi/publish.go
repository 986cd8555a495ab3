package clientapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"herald/actor"
	"herald/oauth"
	"herald/respond"
	"herald/store"
)

// Bounds on finding the accounts a post mentions.
const (
	// maxLookups is how many accounts one post may look up by WebFinger.
	maxLookups = 20
	// lookupTimeout bounds the lookups of one post.
	lookupTimeout = 15 * time.Second
)

// recipients are the accounts a post mentions, as found, and the inboxes
// it goes to besides the followers'.
type recipients struct {
	// found are the mentions of the text that were found, by the
	// lowercased mention (actor.Compose takes them so).
	found map[string]actor.Mentioned
	// author is the author of the post answered, mentioned even when the
	// text does not name them (nil for none).
	author *actor.Mentioned
	// inboxes are the remote accounts' (shared) inboxes.
	inboxes []string
}

// recipients finds the accounts d mentions: Herald's own by their handle,
// remote ones by WebFinger (those not found stay text, as on Mastodon),
// and the author of the post d answers.
func (a *API) recipients(ctx context.Context, handle string, d draft) recipients {
	rc := recipients{found: map[string]actor.Mentioned{}}
	for n, acct := range actor.MentionsIn(d.text) {
		if n == maxLookups {
			break
		}
		user, domain, remote := strings.Cut(acct, "@")
		if !remote || strings.EqualFold(domain, a.o.Config.HandleDomain()) || strings.EqualFold(domain, a.o.Config.Host()) {
			if h := strings.ToLower(user); a.o.Accounts.Known(h) {
				rc.found[strings.ToLower(acct)] = a.localMention(h)
			}
			continue
		}
		ra, err := a.o.Remote.Lookup(ctx, acct)
		if err != nil {
			a.o.Log.Info("mention not found", "account", handle, "mention", acct, "error", err)
			continue
		}
		rc.found[strings.ToLower(acct)] = actor.Mentioned{ID: ra.ID, URL: ra.URL, Username: cmp.Or(ra.Username, user), Acct: acct}
		rc.inboxes = append(rc.inboxes, cmp.Or(ra.SharedInbox, ra.Inbox))
	}
	a.addAuthor(ctx, handle, d, &rc)
	return rc
}

// localMention is the mention of Herald's account handle.
func (a *API) localMention(handle string) actor.Mentioned {
	return actor.Mentioned{ID: a.o.Render.Actor(handle), Username: handle, Acct: handle + "@" + a.o.Config.HandleDomain()}
}

// addAuthor adds the author of the post d answers to rc, unless it is
// the account itself or mentioned already: a remote author with their
// inbox, another of Herald's accounts without.
func (a *API) addAuthor(ctx context.Context, handle string, d draft, rc *recipients) {
	if d.replyTo == nil {
		return
	}
	var m actor.Mentioned
	inbox := ""
	switch it := d.replyTo; {
	case it.post != nil && it.handle == handle:
		return
	case it.post != nil:
		m = a.localMention(it.handle)
	default:
		ra, err := a.o.Remote.Actor(ctx, it.received.Actor)
		if err != nil {
			a.o.Log.Warn("fetch the author answered", "account", handle, "actor", it.received.Actor, "error", err)
			return
		}
		u, _ := url.Parse(ra.ID)
		m, inbox = actor.Mentioned{ID: ra.ID, URL: ra.URL, Username: ra.Username, Acct: ra.Username + "@" + u.Host}, cmp.Or(ra.SharedInbox, ra.Inbox)
	}
	for _, f := range rc.found {
		if f.ID == m.ID {
			return
		}
	}
	rc.author = &m
	if inbox != "" {
		rc.inboxes = append(rc.inboxes, inbox)
	}
}

// compose formats d's text with the mentions found, the author answered
// last among them.
func (a *API) compose(d draft, rc recipients) actor.Composed {
	c := a.o.Render.Compose(d.text, rc.found)
	if rc.author != nil {
		c.Mentions = append(c.Mentions, *rc.author)
	}
	return c
}

// publish renders d as handle's post and stores and queues it (store
// PublishStatus). fresh is false when the Idempotency-Key named a post
// made already, which is returned instead.
func (a *API) publish(handle string, d draft, text actor.Composed, inboxes []string) (st store.LocalStatus, fresh bool, err error) {
	now := a.o.Now()
	created := time.UnixMilli(now.UnixMilli()).UTC()
	var ids []string
	for _, m := range text.Mentions {
		ids = append(ids, m.ID)
	}
	to, cc := a.o.Render.Audience(handle, d.visibility, ids)
	s := actor.Status{Text: text, Summary: d.spoiler, Sensitive: d.sensitive, Language: d.language, To: to, CC: cc, Published: created}
	if d.replyTo != nil {
		s.InReplyTo = d.replyTo.objectID()
	}
	for range 3 { // a taken id gets another
		id := newStatusID(created)
		s.ID = a.o.Render.StatusID(handle, id)
		note, err := a.o.Render.StatusNote(handle, s)
		if err != nil {
			return store.LocalStatus{}, false, err
		}
		createID, create, err := a.o.Render.StatusCreate(handle, note, s)
		if err != nil {
			return store.LocalStatus{}, false, err
		}
		st = store.LocalStatus{ID: id, Handle: handle, ObjectID: s.ID, ActivityID: createID, Visibility: d.visibility, InReplyTo: s.InReplyTo,
			Text: d.text, SpoilerText: d.spoiler, Sensitive: d.sensitive, Language: d.language, Inboxes: slices.Compact(slices.Sorted(slices.Values(inboxes))),
			IdempotencyKey: d.idempotency, Created: created, Scheduled: d.scheduled}
		createDoc := store.Document{ID: createID, JSON: create}
		if err := a.forRelays(&st, &createDoc); err != nil {
			return store.LocalStatus{}, false, err
		}
		saved, _, err := a.o.Store.PublishStatus(st, store.Document{ID: s.ID, JSON: note}, createDoc, now)
		if errors.Is(err, store.ErrExists) {
			continue
		}
		return saved, err == nil && saved.ID == id, err
	}
	return store.LocalStatus{}, false, fmt.Errorf("publish a post of %s: no free id", handle)
}

// audit writes who did action on the post st (of handle) to the audit
// log, from the token's app; a failure is logged, not answered.
func (a *API) audit(access oauth.Access, action string, st store.LocalStatus) {
	a.auditVia(access, action, st, "")
}

// auditVia is audit with the place the post was written named by via
// (ViaStatisticsPages), or, when via is "", by the token's app.
func (a *API) auditVia(access oauth.Access, action string, st store.LocalStatus, via string) {
	e := store.AuditEntry{At: a.o.Now().UTC(), Action: action, Who: access.Who, Account: access.Handle, ClientID: access.ClientID,
		Object: st.ObjectID, InReplyTo: st.InReplyTo, App: via}
	if action != store.AuditDelete {
		e.Visibility = st.Visibility
	}
	if st.Scheduled != 0 {
		e.Scheduled = formatID(st.Scheduled)
	}
	if app, err := a.o.Store.OAuthApp(access.ClientID); via == "" && err == nil {
		e.App = app.Name
	}
	if err := a.o.Store.AddAudit(e); err != nil {
		a.o.Log.Error("write audit log", "action", action, "error", err)
	}
}

// handlePostStatus answers POST /api/v1/statuses: a post of the signed-in
// account, written in the app (readDraft) and published (postNow). The
// answer is the new Status; a repeated Idempotency-Key gives the first
// post's. With scheduled_at, the post is stored to go out then
// (schedule), and the answer is the ScheduledStatus.
func (a *API) handlePostStatus(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	params, err := oauth.ReadParams(w, r)
	if err != nil {
		respond.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	d, refused, err := a.readDraft(r.Header.Get("Idempotency-Key"), params, access)
	if err == nil && refused == nil && !d.scheduledAt.IsZero() {
		a.schedule(w, r, d, access)
		return
	}
	var st store.LocalStatus
	if err == nil && refused == nil {
		st, _, refused, err = a.postNow(r.Context(), d, access)
	}
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	if refused != nil {
		respond.Error(w, refused.status, refused.msg)
		return
	}
	s, err := a.localStatus(st, access)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	writeJSON(w, s)
}

// postNow publishes d as the account of access: its mentions found
// (recipients), rendered, stored and queued through the delivery queue to
// the followers (public and unlisted) and to the accounts it mentions
// (direct: to them only), with an entry in the audit log. fresh is false
// when d's idempotency key named a post made already, which is returned
// instead (and not audited again). A direct post that mentions no account
// that was found is refused.
func (a *API) postNow(ctx context.Context, d draft, access oauth.Access) (st store.LocalStatus, fresh bool, refused *refusal, err error) {
	lookups, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	rc := a.recipients(lookups, access.Handle, d)
	text := a.compose(d, rc)
	if d.visibility == actor.Direct && len(text.Mentions) == 0 {
		return store.LocalStatus{}, false, unprocessable("Validation failed: A direct post must mention an account that was found"), nil
	}
	st, fresh, err = a.publish(access.Handle, d, text, rc.inboxes)
	if err != nil || !fresh {
		return st, false, nil, err
	}
	a.o.Deliveries.Notify()
	action := store.AuditPost
	if st.InReplyTo != "" {
		action = store.AuditReply
	}
	a.auditVia(access, action, st, d.via)
	a.o.Log.Info("post written in an app", "account", access.Handle, "object", st.ObjectID, "visibility", st.Visibility,
		"in_reply_to", st.InReplyTo, "who", access.Who.Name, "via", d.via)
	return st, true, nil, nil
}

// localStatus renders the post st, written in an app, as a Status.
func (a *API) localStatus(st store.LocalStatus, access oauth.Access) (Status, error) {
	p, found, err := a.localPost(st)
	if err == nil && !found {
		err = fmt.Errorf("post %d has no note", st.ID)
	}
	if err != nil {
		return Status{}, err
	}
	return a.newView(access).status(p)
}
