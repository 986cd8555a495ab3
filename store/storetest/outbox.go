package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"herald/store"
)

var outboxChecks = []check{
	{"Outbox/newest first, before exclusive", checkOutbox},
	{"Outbox/pages neither overlap nor skip", checkOutboxPaging},
	{"Outbox/same posts again add nothing", checkOutboxSameTimeIdempotent},
}

// fillOutbox applies one post per time in ats and returns the activity ids.
func fillOutbox(t *testing.T, b Backend, ats []time.Time) []string {
	t.Helper()
	var posts []store.Post
	var ids []string
	for i, at := range ats {
		p := testPost(fmt.Sprintf("item-%03d", i), at)
		posts = append(posts, p)
		ids = append(ids, p.Activity.ID)
	}
	if _, err := b.ApplyPoll("blog", store.FeedState{}, posts, false, t0); err != nil {
		t.Fatal(err)
	}
	return ids
}

func activityIDs(t *testing.T, entries []store.OutboxEntry) []string {
	t.Helper()
	var ids []string
	for _, e := range entries {
		var v struct{ ID string }
		if err := json.Unmarshal(e.Activity, &v); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, v.ID)
	}
	return ids
}

func checkOutbox(t *testing.T, b Backend) {
	if entries, total, err := b.Outbox("blog", time.Time{}, 10); err != nil || total != 0 || entries != nil {
		t.Errorf("empty outbox = %v, %d, %v", entries, total, err)
	}
	ats := []time.Time{t0, t0.Add(time.Minute), t0.Add(2 * time.Minute), t0.Add(3 * time.Minute)}
	ids := fillOutbox(t, b, ats)
	tests := []struct {
		name   string
		before time.Time
		limit  int
		want   []string
	}{
		{"newest first", time.Time{}, 10, []string{ids[3], ids[2], ids[1], ids[0]}},
		{"limit", time.Time{}, 2, []string{ids[3], ids[2]}},
		{"limit zero", time.Time{}, 0, nil},
		{"before is exclusive", ats[2], 10, []string{ids[1], ids[0]}},
		{"before between entries", ats[2].Add(time.Second), 1, []string{ids[2]}},
		{"before later than all", t0.AddDate(1, 0, 0), 10, []string{ids[3], ids[2], ids[1], ids[0]}},
		{"before beyond the key range", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 1, []string{ids[3]}},
		{"before earlier than all", ats[0], 10, nil},
		{"before the key range", time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), 10, nil},
	}
	for _, tt := range tests {
		entries, total, err := b.Outbox("blog", tt.before, tt.limit)
		if err != nil || total != len(ids) {
			t.Fatalf("%s: Outbox total = %d, %v; want %d", tt.name, total, err, len(ids))
		}
		if got := activityIDs(t, entries); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Outbox = %v, want %v", tt.name, got, tt.want)
		}
	}
	if entries, _, _ := b.Outbox("blog", time.Time{}, 1); len(entries) != 1 || !entries[0].At.Equal(ats[3]) {
		t.Errorf("newest entry = %+v, want At %v", entries, ats[3])
	}
	if _, total, _ := b.Outbox("other", time.Time{}, 10); total != 0 {
		t.Errorf("another account's outbox has %d entries", total)
	}
}

// checkOutboxPaging pages through an outbox whose entries partly share a
// time (items of one poll, items with equal Published), with new
// activities arriving between pages.
func checkOutboxPaging(t *testing.T, b Backend) {
	var ats []time.Time
	for i := range 300 {
		ats = append(ats, t0.Add(time.Duration(i/4)*time.Second)) // four per second
	}
	ats = append(ats, time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)) // before the epoch: oldest
	ids := fillOutbox(t, b, ats)
	var all []string
	var before time.Time
	for page := 0; ; page++ {
		entries, total, err := b.Outbox("blog", before, 7)
		if err != nil || total != len(ids)+page {
			t.Fatalf("page %d: total %d, %v; want %d", page, total, err, len(ids)+page)
		}
		if len(entries) == 0 {
			break
		}
		for i := 1; i < len(entries); i++ {
			if !entries[i].At.Before(entries[i-1].At) {
				t.Fatalf("page %d: entry %d at %v is not older than %v", page, i, entries[i].At, entries[i-1].At)
			}
		}
		all = append(all, activityIDs(t, entries)...)
		before = entries[len(entries)-1].At
		// A newer activity arrives; the next page must not change.
		p := testPost(fmt.Sprintf("new-%03d", page), t0.AddDate(0, 0, 1))
		if _, err := b.ApplyPoll("blog", store.FeedState{}, []store.Post{p}, false, t0); err != nil {
			t.Fatal(err)
		}
	}
	want := slices.Clone(ids[:300])
	slices.Reverse(want)
	want = append(want, ids[300])
	if !slices.Equal(all, want) {
		t.Errorf("pages listed %d activities, want all %d, newest first, each once", len(all), len(want))
	}
}

// checkOutboxSameTimeIdempotent checks that applying the same posts again,
// at the same times, adds no outbox entries.
func checkOutboxSameTimeIdempotent(t *testing.T, b Backend) {
	posts := []store.Post{testPost("a", t0), testPost("b", t0), testPost("c", t0)}
	for range 2 {
		if _, err := b.ApplyPoll("blog", store.FeedState{}, posts, false, t0); err != nil {
			t.Fatal(err)
		}
	}
	entries, total, err := b.Outbox("blog", time.Time{}, 10)
	if err != nil || total != 3 || len(entries) != 3 {
		t.Fatalf("Outbox = %d entries, total %d, %v; want 3", len(entries), total, err)
	}
	for i, e := range entries {
		if d := e.At.Sub(t0); d < 0 || d > 2*time.Nanosecond || !strings.Contains(string(e.Activity), "/create") {
			t.Errorf("entry %d at %v, want within 2ns of %v", i, e.At, t0)
		}
	}
}
