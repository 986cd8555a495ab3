package clientapi

import (
	"context"
	"errors"
	"time"

	"herald/actor"
	"herald/oauth"
	"herald/store"
)

// Scheduler pace: how often RunScheduler looks for due posts, and how
// many it publishes per look.
const (
	scheduleEvery = 15 * time.Second
	dueBatch      = 20
)

// RunScheduler publishes scheduled posts when they are due, until ctx is
// done: at once (so that posts due while Herald was stopped go out at
// start) and then every scheduleEvery. It returns when ctx is done.
func (a *API) RunScheduler(ctx context.Context) {
	tick := time.NewTicker(scheduleEvery)
	defer tick.Stop()
	for {
		if _, err := a.PublishDue(ctx); err != nil && ctx.Err() == nil {
			a.o.Log.Error("publish scheduled posts", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// PublishDue publishes the scheduled posts due at Options.Now (up to
// dueBatch), each through the path of POST /api/v1/statuses, and returns
// how many it published. It is safe to run in several processes at once:
// the store removes a scheduled post in the transaction that publishes it
// (store PublishStatus), so of two processes only one publishes it. A
// post that fails is logged and tried again at the next call.
func (a *API) PublishDue(ctx context.Context) (int, error) {
	due, err := a.o.Store.DueScheduledStatuses(a.o.Now(), dueBatch)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, st := range due {
		if ctx.Err() != nil {
			break
		}
		ok, err := a.publishScheduled(ctx, st)
		if err != nil {
			a.o.Log.Error("publish a scheduled post", "account", st.Handle, "scheduled_id", st.ID, "error", err)
		}
		if ok {
			n++
		}
	}
	if n > 0 {
		a.o.Deliveries.Notify()
	}
	return n, ctx.Err()
}

// publishScheduled publishes st as the account's post, as whoever
// scheduled it; ok is false when another process published it first or
// it was cancelled meanwhile. A post it answers that is gone makes it a
// post that answers nothing, as on Mastodon; a direct post whose
// mentions are no longer found is cancelled.
func (a *API) publishScheduled(ctx context.Context, st store.ScheduledStatus) (ok bool, err error) {
	if !a.o.Accounts.Known(st.Handle) {
		return false, errors.New("the account is not served")
	}
	access := oauth.Access{Handle: st.Handle, Who: st.Who, ClientID: st.ClientID}
	d := draft{text: st.Text, spoiler: st.SpoilerText, sensitive: st.Sensitive, language: st.Language, visibility: st.Visibility, scheduled: st.ID}
	if id, ok := parseID(st.InReplyToID); ok {
		it, found, err := a.lookupStatus(id, access)
		if err != nil {
			return false, err
		}
		if found {
			d.replyTo = &it
		}
	}
	lookups, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	rc := a.recipients(lookups, st.Handle, d)
	text := a.compose(d, rc)
	if d.visibility == actor.Direct && len(text.Mentions) == 0 {
		_, err := a.o.Store.CancelScheduledStatus(st.ID)
		a.o.Log.Warn("scheduled direct post cancelled: it mentions no account that was found", "account", st.Handle, "scheduled_id", st.ID)
		return false, err
	}
	saved, _, err := a.publish(st.Handle, d, text, rc.inboxes)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	action := store.AuditPost
	if saved.InReplyTo != "" {
		action = store.AuditReply
	}
	a.audit(access, action, saved)
	a.o.Log.Info("scheduled post published", "account", st.Handle, "scheduled_id", st.ID, "object", saved.ObjectID, "who", st.Who.Name)
	return true, nil
}
