package store

import (
	"slices"
	"testing"
	"time"
)

func TestOutboxBetween(t *testing.T) {
	db := openTestDB(t)
	ats := []time.Time{t0, t0.Add(time.Minute), t0.Add(2 * time.Minute), t0.Add(3 * time.Minute)}
	ids := fillOutbox(t, db, ats)
	for _, tt := range []struct {
		name          string
		after, before time.Time
		oldestFirst   bool
		limit         int
		want          []string
	}{
		{"all, newest first", time.Time{}, time.Time{}, false, 10, []string{ids[3], ids[2], ids[1], ids[0]}},
		{"all, oldest first", time.Time{}, time.Time{}, true, 10, []string{ids[0], ids[1], ids[2], ids[3]}},
		{"both bounds exclusive", ats[0], ats[3], false, 10, []string{ids[2], ids[1]}},
		{"both bounds exclusive, oldest first", ats[0], ats[3], true, 10, []string{ids[1], ids[2]}},
		{"after only, oldest first, limit", ats[0], time.Time{}, true, 1, []string{ids[1]}},
		{"after only, newest first", ats[1], time.Time{}, false, 10, []string{ids[3], ids[2]}},
		{"before only", time.Time{}, ats[1], false, 10, []string{ids[0]}},
		{"empty range", ats[1], ats[2], true, 10, nil},
		{"after the newest", ats[3], time.Time{}, true, 10, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := db.OutboxBetween("blog", tt.after, tt.before, tt.oldestFirst, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := activityIDs(t, entries); !slices.Equal(got, tt.want) {
				t.Errorf("OutboxBetween = %v, want %v", got, tt.want)
			}
		})
	}
	if entries, err := db.OutboxBetween("nobody", time.Time{}, time.Time{}, false, 10); err != nil || entries != nil {
		t.Errorf("unknown account: %v, %v", entries, err)
	}
}
