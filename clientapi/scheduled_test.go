package clientapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"herald/actor"
	"herald/app"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
	"herald/store"
)

// clock is a settable clock for Herald: the real time moved by an offset.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

func (c *clock) options(o *app.Options) { o.Now = c.Now }

// scheduled is what the tests read of a ScheduledStatus.
type scheduled struct {
	ID          string `json:"id"`
	ScheduledAt string `json:"scheduled_at"`
	Params      struct {
		Text       string `json:"text"`
		Visibility string `json:"visibility"`
	} `json:"params"`
	MediaAttachments []any  `json:"media_attachments"`
	Error            string `json:"error"`
}

// schedule schedules text at at as alice's token.
func (a *apiHerald) schedule(t *testing.T, text string, at time.Time) scheduled {
	t.Helper()
	var s scheduled
	params := url.Values{"status": {text}, "scheduled_at": {at.UTC().Format(time.RFC3339)}}
	if code := a.send(t, http.MethodPost, "/api/v1/statuses", a.token, params, nil, &s); code != 200 || s.ID == "" {
		t.Fatalf("schedule: HTTP %d %+v", code, s)
	}
	return s
}

// TestScheduledStatuses: a post scheduled in an app is answered with a
// ScheduledStatus, listed with paging, moved, cancelled, and published
// once when it is due, to the followers; each step is in the audit log.
// Both stores run it.
func TestScheduledStatuses(t *testing.T) { apptest.OnBothStores(t, scheduledStatuses) }

func scheduledStatuses(t *testing.T, st func(*config.Config)) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := &clock{}
	a := startAPIWith(t, st, c.options)
	follower := newCitizen(t)
	follower.follow(ctx, t, a.base, actor.URLs{Base: a.base}.Actor("news"))
	start := c.Now().Truncate(time.Second)
	first := a.schedule(t, "Stormwaarschuwing", start.Add(time.Hour))
	second := a.schedule(t, "Wegafsluiting", start.Add(2*time.Hour))
	if first.Params.Text != "Stormwaarschuwing" || first.Params.Visibility != "public" || first.MediaAttachments == nil ||
		first.ScheduledAt != start.Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("scheduled %+v", first)
	}
	var list []scheduled
	resp := a.get(t, "/api/v1/scheduled_statuses?limit=1", a.token, &list)
	if len(list) != 1 || list[0].ID != second.ID || !strings.Contains(resp.Header.Get("Link"), "max_id="+second.ID) {
		t.Errorf("first page %+v, Link %q; want the newer one and a next page", list, resp.Header.Get("Link"))
	}
	a.get(t, "/api/v1/scheduled_statuses?max_id="+second.ID, a.token, &list)
	if len(list) != 1 || list[0].ID != first.ID {
		t.Errorf("second page %+v, want the older one", list)
	}
	var moved scheduled
	later := start.Add(3 * time.Hour)
	if code := a.send(t, http.MethodPut, "/api/v1/scheduled_statuses/"+first.ID, a.token,
		url.Values{"scheduled_at": {later.UTC().Format(time.RFC3339)}}, nil, &moved); code != 200 || moved.ScheduledAt != later.UTC().Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("PUT: HTTP %d %+v", code, moved)
	}
	if code := a.send(t, http.MethodPut, "/api/v1/scheduled_statuses/"+first.ID, a.token,
		url.Values{"scheduled_at": {start.Add(time.Minute).UTC().Format(time.RFC3339)}}, nil, &moved); code != 422 {
		t.Errorf("PUT too soon: HTTP %d, want 422", code)
	}
	var empty map[string]any
	if code := a.send(t, http.MethodDelete, "/api/v1/scheduled_statuses/"+second.ID, a.token, nil, nil, &empty); code != 200 || len(empty) != 0 {
		t.Errorf("DELETE: HTTP %d %v", code, empty)
	}
	a.wantError(t, "/api/v1/scheduled_statuses/"+second.ID, a.token, 404, "Record not found")
	publishDue(ctx, t, a, c, 2*time.Hour, 0)
	publishDue(ctx, t, a, c, 2*time.Hour, 1)
	publishDue(ctx, t, a, c, 0, 0)
	posts, _ := a.Store().LocalStatuses("news")
	if len(posts) != 1 || posts[0].Text != "Stormwaarschuwing" || formatID(posts[0].Scheduled) != first.ID {
		t.Fatalf("published %+v, want the first post once", posts)
	}
	if got := creates(t, follower.peer, posts[0].ObjectID); len(got) > 1 {
		t.Errorf("the follower got %d Creates", len(got))
	}
	if _, err := follower.peer.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Create" && d.Object()["id"] == posts[0].ObjectID }); err != nil {
		t.Errorf("the follower did not get the post: %v", err)
	}
	a.wantError(t, "/api/v1/scheduled_statuses/"+first.ID, a.token, 404, "Record not found")
	wantAudit(t, a, store.AuditPost, store.AuditCancel, store.AuditReschedule, store.AuditSchedule, store.AuditSchedule, store.AuditSignIn)
}

// publishDue moves c by d and publishes what is due, wanting n.
func publishDue(ctx context.Context, t *testing.T, a *apiHerald, c *clock, d time.Duration, want int) {
	t.Helper()
	c.advance(d)
	if n, err := a.App().PublishScheduled(ctx); err != nil || n != want {
		t.Errorf("after %v more: published %d, %v; want %d", d, n, err, want)
	}
}

// wantAudit checks the actions of the audit log, newest first, all by
// alice.
func wantAudit(t *testing.T, a *apiHerald, actions ...string) {
	t.Helper()
	entries, err := a.Store().Audit(time.Time{}, 20)
	if err != nil || len(entries) != len(actions) {
		t.Fatalf("audit log %+v, %v; want %v", entries, err, actions)
	}
	for i, e := range entries {
		if e.Action != actions[i] || e.Who.Name != "alice" || e.Account != "news" {
			t.Errorf("audit entry %d: %+v, want %s by alice", i, e, actions[i])
		}
	}
}

// TestScheduledRestart: a post that fell due while Herald was stopped
// goes out when it starts again, once. Both stores run it.
func TestScheduledRestart(t *testing.T) { apptest.OnBothStores(t, scheduledRestart) }

func scheduledRestart(t *testing.T, st func(*config.Config)) {
	c := &clock{}
	a := startAPIWith(t, st, c.options)
	s := a.schedule(t, "Morgen gesloten", c.Now().Add(10*time.Minute))
	a.Stop()
	c.advance(time.Hour)
	h := apptest.Start(t, a.Config(), c.options)
	apptest.Eventually(t, 5*time.Second, "the due post published at start", func() bool {
		posts, _ := h.Store().LocalStatuses("news")
		return len(posts) == 1 && formatID(posts[0].Scheduled) == s.ID
	})
	if _, found, err := h.Store().ScheduledStatus(idNumber(t, s.ID)); err != nil || found {
		t.Errorf("still scheduled after publishing: %t, %v", found, err)
	}
	if n, err := h.App().PublishScheduled(context.Background()); err != nil || n != 0 {
		t.Errorf("published again: %d, %v", n, err)
	}
}

func formatID(id uint64) string { return strconv.FormatUint(id, 10) }
