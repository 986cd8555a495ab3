package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"herald/store"
)

// addFollower makes f follow handle, with an Accept named after f.
func addFollower(t *testing.T, b Backend, handle string, f store.Follower) {
	t.Helper()
	if _, err := b.AddFollower(handle, f, doc(f.ID+"/accepted-by/"+handle), t0); err != nil {
		t.Fatal(err)
	}
}

// checkAddFollower: a Follow records the follower and queues its Accept to
// the personal inbox; a repeated Follow keeps the first Since, replaces
// the rest and queues its own Accept.
func checkAddFollower(t *testing.T, b Backend) {
	f := store.Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox",
		FollowID: "https://a.example/follow/1", Since: t0}
	again := f
	again.FollowID, again.Since, again.Inbox = "https://a.example/follow/2", t0.Add(time.Hour), "https://a.example/u/1/inbox2"
	for i, st := range []struct {
		follow store.Follower
		accept store.Document
		now    time.Time
		isNew  bool
	}{
		{f, doc("https://h.example/accept/1"), t0, true},
		{again, doc("https://h.example/accept/2"), t0.Add(time.Hour), false},
	} {
		isNew, err := b.AddFollower("blog", st.follow, st.accept, st.now)
		if err != nil || isNew != st.isNew {
			t.Fatalf("follow %d: AddFollower = %t, %v; want %t", i, isNew, err, st.isNew)
		}
		want := st.follow
		want.Since = t0 // the first acceptance
		if got, err := b.Followers("blog"); err != nil || !reflect.DeepEqual(got, []store.Follower{want}) {
			t.Errorf("follow %d: Followers = %+v, %v; want %+v", i, got, err, want)
		}
		if got, err := b.Document(st.accept.ID); err != nil || string(got) != string(st.accept.JSON) {
			t.Errorf("follow %d: Accept document = %s, %v", i, got, err)
		}
		job := store.Job{ActivityID: st.accept.ID, Inbox: st.follow.Inbox, Handle: "blog", NextAttempt: st.now, Created: st.now}
		if got := jobsOf(t, b, st.accept.ID); !reflect.DeepEqual(got, []store.Job{job}) {
			t.Errorf("follow %d: Accept jobs = %+v, want %+v (to the personal inbox)", i, got, job)
		}
	}
	if n, err := b.FollowerCount("blog"); err != nil || n != 1 {
		t.Errorf("FollowerCount = %d, %v; want 1", n, err)
	}
	if st, _, _ := b.DeliveryStats("https://h.example/accept/2"); st.Queued != 1 {
		t.Errorf("Accept stats = %+v, want one queued", st)
	}
}

// checkAddFollowerZeroTime: a Follow whose Accept cannot be queued is not
// recorded either.
func checkAddFollowerZeroTime(t *testing.T, b Backend) {
	f := store.Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"}
	if _, err := b.AddFollower("blog", f, doc("https://h.example/accept"), time.Time{}); err == nil {
		t.Error("AddFollower with a zero now succeeded")
	}
	if n, _ := b.FollowerCount("blog"); n != 0 {
		t.Errorf("FollowerCount = %d after a failed AddFollower, want 0", n)
	}
}

// checkAddFollowerConcurrent: Follows that arrive at once are all
// recorded; the same follower added by many at once is new to one.
func checkAddFollowerConcurrent(t *testing.T, b Backend) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	news := 0
	same := store.Follower{ID: "https://a.example/u/same", Inbox: "https://a.example/u/same/inbox", Since: t0}
	for i := range 50 {
		f := same
		if i%2 == 0 {
			id := fmt.Sprintf("https://b.example/u/%d", i)
			f = store.Follower{ID: id, Inbox: id + "/inbox", Since: t0}
		}
		wg.Go(func() {
			isNew, err := b.AddFollower("blog", f, doc(fmt.Sprintf("https://h.example/accept/%d", i)), t0)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if isNew {
				news++
			}
		})
	}
	wg.Wait()
	if news != 26 {
		t.Errorf("%d follows were new, want 26 (25 followers, and the same one once)", news)
	}
	if n, err := b.FollowerCount("blog"); err != nil || n != 26 {
		t.Errorf("FollowerCount = %d, %v; want 26", n, err)
	}
	if n, _ := b.PendingJobs(); n != 50 {
		t.Errorf("PendingJobs = %d, want an Accept for each of the 50 Follows", n)
	}
}

func checkRemoveFollower(t *testing.T, b Backend) {
	addFollower(t, b, "blog", store.Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"})
	addFollower(t, b, "other", store.Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"})
	for _, tt := range []struct {
		name, handle, id string
		want             bool
	}{
		{"follower", "blog", "https://a.example/u/1", true},
		{"already removed", "blog", "https://a.example/u/1", false},
		{"never followed", "blog", "https://b.example/u/1", false},
		{"unknown handle", "nobody", "https://a.example/u/1", false},
	} {
		if got, err := b.RemoveFollower(tt.handle, tt.id); err != nil || got != tt.want {
			t.Errorf("%s: RemoveFollower = %t, %v; want %t", tt.name, got, err, tt.want)
		}
	}
	if n, err := b.FollowerCount("blog"); err != nil || n != 0 {
		t.Errorf("FollowerCount = %d, %v; want 0", n, err)
	}
	if n, err := b.FollowerCount("other"); err != nil || n != 1 {
		t.Errorf("FollowerCount(other) = %d, %v; want 1 (follows are per account)", n, err)
	}
}

// checkRemoveFollowersAt: a gone inbox removes the followers that have it
// as their inbox or their shared inbox, of that account only.
func checkRemoveFollowersAt(t *testing.T, b Backend) {
	followers := []store.Follower{
		{ID: "https://a.example/u/2", Inbox: "https://a.example/u/2/inbox", SharedInbox: "https://a.example/inbox"},
		{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox"},
		{ID: "https://b.example/u/1", Inbox: "https://b.example/u/1/inbox"},
	}
	for i, tt := range []struct {
		name, inbox string
		want        []string
	}{
		{"shared inbox", "https://a.example/inbox", []string{"https://a.example/u/1", "https://a.example/u/2"}},
		{"personal inbox with a shared one", "https://a.example/u/2/inbox", []string{"https://a.example/u/2"}},
		{"personal inbox", "https://b.example/u/1/inbox", []string{"https://b.example/u/1"}},
		{"no match", "https://c.example/inbox", nil},
	} {
		handle := fmt.Sprint("blog", i)
		importFollowers(t, b, handle, followers...)
		importFollowers(t, b, "bystander", followers...)
		got, err := b.RemoveFollowersAt(handle, tt.inbox)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s: RemoveFollowersAt = %v, %v; want %v", tt.name, got, err, tt.want)
		}
		if n, _ := b.FollowerCount(handle); n != len(followers)-len(tt.want) {
			t.Errorf("%s: %d followers left, want %d", tt.name, n, len(followers)-len(tt.want))
		}
	}
	if n, _ := b.FollowerCount("bystander"); n != len(followers) {
		t.Errorf("another account lost followers: %d left", n)
	}
	if got, err := b.RemoveFollowersAt("nobody", "https://a.example/inbox"); err != nil || got != nil {
		t.Errorf("RemoveFollowersAt(unknown handle) = %v, %v", got, err)
	}
}

// checkMoveFollower: the follower is replaced by its new account, which
// keeps the first Since; a non-follower moves nowhere.
func checkMoveFollower(t *testing.T, b Backend) {
	const alice, bob = "https://remote.example/users/alice", "https://remote.example/users/bob"
	addFollower(t, b, "news", store.Follower{ID: alice, Inbox: alice + "/inbox", Since: t0})
	to := store.Follower{ID: bob, Inbox: bob + "/inbox", SharedInbox: "https://remote.example/inbox", FollowID: bob + "#f", Since: t0.Add(time.Hour)}
	moved, err := b.MoveFollower("news", alice, to)
	if err != nil || !moved {
		t.Fatalf("MoveFollower = %t, %v", moved, err)
	}
	want := to
	want.Since = t0
	if got, _ := b.Followers("news"); !reflect.DeepEqual(got, []store.Follower{want}) {
		t.Errorf("followers %+v, want %+v", got, want)
	}
	if moved, err := b.MoveFollower("news", alice, store.Follower{ID: "https://x.example/u"}); err != nil || moved {
		t.Errorf("MoveFollower of a non-follower = %t, %v", moved, err)
	}
	if got, _ := b.Followers("news"); !reflect.DeepEqual(got, []store.Follower{want}) {
		t.Errorf("followers %+v after a move of nobody", got)
	}
}

// checkFollowerHistory: one sample per account and day, the day's last
// replacing its earlier ones; an account without followers counts 0.
func checkFollowerHistory(t *testing.T, b Backend) {
	day1 := time.Date(2026, 11, 1, 23, 0, 0, 0, time.FixedZone("CET", 3600)) // 22:00 UTC
	if err := b.RecordFollowerCounts([]string{"news", "weather"}, day1); err != nil {
		t.Fatal(err)
	}
	addFollower(t, b, "news", store.Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"})
	addFollower(t, b, "news", store.Follower{ID: "https://a.example/u/2", Inbox: "https://a.example/u/2/inbox"})
	if err := b.RecordFollowerCounts([]string{"news", "news"}, day1.Add(time.Hour)); err != nil { // same UTC day
		t.Fatal(err)
	}
	if _, err := b.RemoveFollower("news", "https://a.example/u/1"); err != nil {
		t.Fatal(err)
	}
	if err := b.RecordFollowerCounts([]string{"news"}, day1.AddDate(0, 0, 2)); err != nil {
		t.Fatal(err)
	}
	want := []store.DayCount{{Day: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Count: 2}, {Day: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC), Count: 1}}
	if got, err := b.FollowerHistory("news"); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("history = %+v, %v; want %+v", got, err, want)
	}
	if got, _ := b.FollowerHistory("weather"); !reflect.DeepEqual(got, []store.DayCount{{Day: want[0].Day, Count: 0}}) {
		t.Errorf("weather history = %+v", got)
	}
	if got, err := b.FollowerHistory("nobody"); err != nil || got != nil {
		t.Errorf("history of nobody = %+v, %v", got, err)
	}
}

// checkAddFollowerOneFails: of Follows that arrive at once (and may share
// a commit), one that cannot be stored (a follower without an id) fails
// alone: the others are all recorded, with one Accept each, and the
// counts are exact.
func checkAddFollowerOneFails(t *testing.T, b Backend) {
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range errs {
		id := fmt.Sprintf("https://b.example/u/%d", i)
		if i == 7 {
			id = ""
		}
		f := store.Follower{ID: id, Inbox: fmt.Sprintf("https://b.example/u/%d/inbox", i), Since: t0}
		wg.Go(func() {
			_, errs[i] = b.AddFollower("blog", f, doc(fmt.Sprintf("https://h.example/accept/%d", i)), t0)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i == 7) {
			t.Errorf("follow %d: AddFollower error %v", i, err)
		}
	}
	if n, err := b.FollowerCount("blog"); err != nil || n != 19 {
		t.Errorf("FollowerCount = %d, %v; want 19", n, err)
	}
	if n, _ := b.PendingJobs(); n != 19 {
		t.Errorf("PendingJobs = %d, want an Accept for each of the 19 stored Follows", n)
	}
	if got := jobsOf(t, b, "https://h.example/accept/7"); got != nil {
		t.Errorf("the failed Follow's Accept was queued: %+v", got)
	}
	if st, _, _ := b.DeliveryStats("https://h.example/accept/3"); st.Queued != 1 {
		t.Errorf("Accept stats = %+v, want one queued", st)
	}
}
