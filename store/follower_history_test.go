package store

import (
	"testing"
	"time"
)

func TestFollowerHistory(t *testing.T) {
	db := openTestDB(t)
	day1 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	add := func(id string) {
		f := Follower{ID: id, Inbox: id + "/inbox", FollowID: id + "#f", Since: day1}
		if _, err := db.AddFollower("news", f, Document{ID: "https://h/accepts/" + id, JSON: []byte("{}")}, day1); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RecordFollowerCounts([]string{"news", "weather"}, day1); err != nil {
		t.Fatal(err)
	}
	add("https://a.example/u/1")
	add("https://a.example/u/2")
	if err := db.RecordFollowerCounts([]string{"news"}, day1.Add(5*time.Hour)); err != nil { // same day: replaced
		t.Fatal(err)
	}
	if _, err := db.RemoveFollower("news", "https://a.example/u/1"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordFollowerCounts([]string{"news"}, day1.AddDate(0, 0, 2)); err != nil {
		t.Fatal(err)
	}
	got, err := db.FollowerHistory("news")
	if err != nil {
		t.Fatal(err)
	}
	want := []DayCount{{Day: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Count: 2}, {Day: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC), Count: 1}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("history = %+v, want %+v", got, want)
	}
	if w, _ := db.FollowerHistory("weather"); len(w) != 1 || w[0].Count != 0 {
		t.Fatalf("weather history = %+v", w)
	}
	if none, _ := db.FollowerHistory("nobody"); len(none) != 0 {
		t.Fatalf("unknown handle has history %+v", none)
	}
}
