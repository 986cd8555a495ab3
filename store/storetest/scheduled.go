package storetest

import (
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"herald/store"
)

// scheduledChecks cover posts scheduled in apps: stored, listed, moved,
// cancelled, and published once by PublishStatus.
var scheduledChecks = []check{
	{"ScheduledStatus/lifecycle", checkScheduledLifecycle},
	{"ScheduledStatus/published once", checkScheduledPublishedOnce},
	{"ConversationMarks", checkConversationMarks},
	{"Markers", checkMarkers},
}

// checkConversationMarks: marks are kept per account and conversation,
// and never go down.
func checkConversationMarks(t *testing.T, b Backend) {
	for _, m := range []struct {
		handle           string
		id, read, hidden uint64
	}{{"news", 1, 10, 0}, {"news", 1, 5, 7}, {"news", 2, 0, 3}, {"weather", 1, 99, 99}} {
		if err := b.MarkConversation(m.handle, m.id, m.read, m.hidden); err != nil {
			t.Fatal(err)
		}
	}
	want := map[uint64]store.ConversationMark{1: {Read: 10, Hidden: 7}, 2: {Hidden: 3}}
	if got, err := b.ConversationMarks("news"); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ConversationMarks(news) = %v, %v; want %v", got, err, want)
	}
	if got, err := b.ConversationMarks("nobody"); err != nil || len(got) != 0 {
		t.Errorf("ConversationMarks(nobody) = %v, %v", got, err)
	}
}

// testScheduled returns a post of handle scheduled at at, with id n.
func testScheduled(n uint64, handle string, at time.Time) store.ScheduledStatus {
	return store.ScheduledStatus{ID: n, Handle: handle, ScheduledAt: at, Text: "storm warning", SpoilerText: "weather",
		Visibility: store.VisibilityPublic, Language: "nl", InReplyToID: "42",
		Who: store.Principal{Kind: store.PrincipalUser, Name: "alice"}, ClientID: "client", Created: t0}
}

// checkScheduledLifecycle: scheduled posts are kept whole, listed per
// account by id and when due by time, moved, and cancelled once.
func checkScheduledLifecycle(t *testing.T, b Backend) {
	late, early, other := testScheduled(1, "news", t0.Add(2*time.Hour)), testScheduled(2, "news", t0.Add(time.Hour)), testScheduled(3, "weather", t0.Add(time.Hour))
	for _, st := range []store.ScheduledStatus{late, early, other} {
		if err := b.AddScheduledStatus(st); err != nil {
			t.Fatalf("AddScheduledStatus(%d): %v", st.ID, err)
		}
	}
	if err := b.AddScheduledStatus(late); !errors.Is(err, store.ErrExists) {
		t.Errorf("a taken id: %v, want ErrExists", err)
	}
	if got, found, err := b.ScheduledStatus(1); err != nil || !found || !reflect.DeepEqual(got, late) {
		t.Errorf("ScheduledStatus(1) = %+v, %t, %v; want %+v", got, found, err, late)
	}
	if list, err := b.ScheduledStatuses("news"); err != nil || len(list) != 2 || list[0].ID != 1 || list[1].ID != 2 {
		t.Errorf("ScheduledStatuses(news) = %+v, %v; want 1 and 2", list, err)
	}
	if due, err := b.DueScheduledStatuses(t0.Add(90*time.Minute), 10); err != nil || len(due) != 2 || due[0].ID != 2 || due[1].ID != 3 {
		t.Errorf("DueScheduledStatuses = %+v, %v; want 2 and 3", due, err)
	}
	if due, err := b.DueScheduledStatuses(t0.Add(3*time.Hour), 1); err != nil || len(due) != 1 || due[0].ID != 2 {
		t.Errorf("DueScheduledStatuses(limit 1) = %+v, %v; want 2", due, err)
	}
	moved, err := b.RescheduleStatus(1, t0.Add(30*time.Minute))
	if err != nil || !moved.ScheduledAt.Equal(t0.Add(30*time.Minute)) || moved.Text != late.Text {
		t.Errorf("RescheduleStatus = %+v, %v", moved, err)
	}
	if due, err := b.DueScheduledStatuses(t0.Add(45*time.Minute), 10); err != nil || len(due) != 1 || due[0].ID != 1 {
		t.Errorf("due after the move = %+v, %v; want 1", due, err)
	}
	if _, err := b.RescheduleStatus(9, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RescheduleStatus(unknown): %v, want ErrNotFound", err)
	}
	if got, err := b.CancelScheduledStatus(2); err != nil || got.ID != 2 {
		t.Errorf("CancelScheduledStatus(2) = %+v, %v", got, err)
	}
	if _, err := b.CancelScheduledStatus(2); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("cancel twice: %v, want ErrNotFound", err)
	}
	if _, found, err := b.ScheduledStatus(2); err != nil || found {
		t.Errorf("a cancelled post is found: %t, %v", found, err)
	}
}

// checkScheduledPublishedOnce: publishing a scheduled post removes it in
// the same transaction; of several tries at once, one publishes and the
// others fail with ErrNotFound and store nothing.
func checkScheduledPublishedOnce(t *testing.T, b Backend) {
	if err := b.AddScheduledStatus(testScheduled(7, "news", t0)); err != nil {
		t.Fatal(err)
	}
	const tries = 4
	errs := make([]error, tries)
	var wg sync.WaitGroup
	for i := range tries {
		wg.Go(func() {
			st, note, create := testStatus(i+1, store.VisibilityPublic, t0)
			st.Scheduled = 7
			_, _, errs[i] = b.PublishStatus(st, note, create, t0)
		})
	}
	wg.Wait()
	published := 0
	for _, err := range errs {
		switch {
		case err == nil:
			published++
		case !errors.Is(err, store.ErrNotFound):
			t.Errorf("PublishStatus: %v, want nil or ErrNotFound", err)
		}
	}
	if list, err := b.LocalStatuses("news"); published != 1 || err != nil || len(list) != 1 || list[0].Scheduled != 7 {
		t.Errorf("published %d times, statuses %+v, %v; want once", published, list, err)
	}
	if _, found, err := b.ScheduledStatus(7); err != nil || found {
		t.Errorf("the published post is still scheduled: %t, %v", found, err)
	}
}
