package admin

import (
	"testing"
	"time"

	"herald/dashboard"
	"herald/store"
)

func TestFollowerSeries(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	followers := []store.Follower{{ID: "b", Since: day(10).Add(3 * time.Hour)}, {ID: "a", Since: day(2)}, {ID: "c", Since: day(20)}}
	tests := []struct {
		name    string
		history []store.DayCount
		want    []dashboard.Point
	}{
		{name: "no samples: from the start dates", want: []dashboard.Point{
			{At: day(2), Value: 1}, {At: day(10), Value: 2}, {At: day(20), Value: 3}, {At: now, Value: 3}}},
		{name: "samples take over from their first day, and count those who left", history: []store.DayCount{
			{Day: day(15), Count: 4}, {Day: day(22), Count: 3}}, want: []dashboard.Point{
			{At: day(2), Value: 1}, {At: day(10), Value: 2}, {At: day(15), Value: 4}, {At: day(22), Value: 3}, {At: now, Value: 3}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, weeks := followerSeries(append([]store.Follower(nil), followers...), tc.history, now)
			if len(got) != len(tc.want) {
				t.Fatalf("points %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if !got[i].At.Equal(tc.want[i].At) || got[i].Value != tc.want[i].Value {
					t.Fatalf("point %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			total := 0
			for _, w := range weeks {
				total += w.Count
			}
			if len(weeks) != 12 || total != 3 || weeks[11].Start.Weekday() != time.Monday {
				t.Fatalf("weeks %+v", weeks)
			}
		})
	}
}
