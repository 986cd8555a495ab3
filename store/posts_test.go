package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	berrors "go.etcd.io/bbolt/errors"
)

// doc returns a small JSON-LD document with id.
func doc(id string) Document {
	return Document{ID: id, JSON: []byte(fmt.Sprintf(`{"id":%q}`, id))}
}

// testPost returns the Create of a note made from the feed item key, at at.
func testPost(key string, at time.Time) Post {
	obj := "https://h.example/blog/notes/" + key
	return Post{
		Item:     SeenItem{Key: key, ObjectID: obj, Hash: "h-" + key, Published: at, Version: 0},
		Object:   doc(obj),
		Activity: doc(obj + "/create"),
		At:       at,
	}
}

// jobsByActivity returns the inboxes of all queued jobs, sorted, by activity id.
func jobsByActivity(t *testing.T, db *testDB) map[string][]string {
	t.Helper()
	jobs, err := db.DueJobs(maxKeyTime, 1000, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, j := range jobs {
		out[j.ActivityID] = append(out[j.ActivityID], j.Inbox)
	}
	for _, inboxes := range out {
		sort.Strings(inboxes)
	}
	return out
}

// The followers of TestApplyPoll (two behind one shared inbox, one behind
// another, two with only a personal inbox) and the inboxes, sorted, that a
// post to all of them goes to.
var (
	pollFollowers = []Follower{
		{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox"},
		{ID: "https://a.example/u/2", Inbox: "https://a.example/u/2/inbox", SharedInbox: "https://a.example/inbox"},
		{ID: "https://b.example/u/1", Inbox: "https://b.example/u/1/inbox"},
		{ID: "https://c.example/u/1", Inbox: "https://c.example/u/1/inbox", SharedInbox: "https://c.example/inbox"},
		{ID: "https://b.example/u/2", Inbox: "https://b.example/u/2/inbox"},
	}
	pollInboxes = []string{"https://a.example/inbox", "https://b.example/u/1/inbox", "https://b.example/u/2/inbox", "https://c.example/inbox"}
)

func TestApplyPoll(t *testing.T) {
	posts := []Post{testPost("one", t0), testPost("two", t0.Add(time.Minute))}
	tests := []struct {
		name      string
		followers []Follower
		deliver   bool
		posts     []Post
		want      []string // inboxes per activity
	}{
		{"no delivery on the first poll", pollFollowers, false, posts, nil},
		{"no followers", nil, true, posts, nil},
		{"no posts", pollFollowers, true, nil, nil},
		{"shared inbox preferred, one job per inbox", pollFollowers, true, posts, pollInboxes},
		{"personal inboxes only", pollFollowers[2:3], true, posts[:1], []string{"https://b.example/u/1/inbox"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTestDB(t)
			for _, f := range tt.followers {
				if _, err := db.AddFollower("blog", f, doc("accept"), t0); err != nil {
					t.Fatal(err)
				}
			}
			acceptJobs := jobsByActivity(t, db)["accept"]
			state := FeedState{URL: "https://blog.example/feed", Initialised: true, LastSuccess: t0}
			queued, err := db.ApplyPoll("blog", state, tt.posts, tt.deliver, t0)
			if err != nil {
				t.Fatalf("ApplyPoll: %v", err)
			}
			if want := len(tt.want) * len(tt.posts); queued != want {
				t.Errorf("queued = %d, want %d", queued, want)
			}
			jobs := jobsByActivity(t, db)
			if !slices.Equal(jobs["accept"], acceptJobs) {
				t.Errorf("Accept jobs changed: %v, want %v", jobs["accept"], acceptJobs)
			}
			delete(jobs, "accept")
			want := map[string][]string{}
			for _, p := range tt.posts {
				if tt.want != nil {
					want[p.Activity.ID] = tt.want
				}
			}
			if !reflect.DeepEqual(jobs, want) {
				t.Errorf("jobs = %v, want %v", jobs, want)
			}
			if got, err := db.FeedState("blog"); err != nil || !reflect.DeepEqual(got, state) {
				t.Errorf("FeedState = %+v, %v; want %+v", got, err, state)
			}
			checkPostsStored(t, db, tt.posts)
		})
	}
}

// checkPostsStored checks that the items, documents and outbox entries of
// posts (and nothing else) are stored for handle "blog".
func checkPostsStored(t *testing.T, db *testDB, posts []Post) {
	t.Helper()
	seen, err := db.SeenItems("blog")
	if err != nil {
		t.Fatal(err)
	}
	wantSeen := map[string]SeenItem{}
	for _, p := range posts {
		wantSeen[p.Item.Key] = p.Item
		for _, d := range []Document{p.Object, p.Activity} {
			if got, err := db.Document(d.ID); err != nil || !bytes.Equal(got, d.JSON) {
				t.Errorf("Document(%s) = %s, %v; want %s", d.ID, got, err, d.JSON)
			}
		}
	}
	if !reflect.DeepEqual(seen, wantSeen) {
		t.Errorf("SeenItems = %+v, want %+v", seen, wantSeen)
	}
	if _, total, err := db.Outbox("blog", time.Time{}, 0); err != nil || total != len(posts) {
		t.Errorf("outbox total = %d, %v; want %d", total, err, len(posts))
	}
}

func TestApplyPollAtomic(t *testing.T) {
	db := openTestDB(t)
	f := Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"}
	if _, err := db.AddFollower("blog", f, doc("accept"), t0); err != nil {
		t.Fatal(err)
	}
	before := FeedState{URL: "https://blog.example/feed", ETag: "old", Initialised: true}
	good := []Post{testPost("one", t0)}
	if _, err := db.ApplyPoll("blog", before, good, true, t0); err != nil {
		t.Fatal(err)
	}
	noKey := testPost("", t0.Add(2*time.Minute))
	noAt := testPost("late", time.Time{})
	tests := []struct {
		name  string
		posts []Post
		is    error
	}{
		{"empty item key", []Post{testPost("two", t0.Add(time.Minute)), noKey}, berrors.ErrKeyRequired},
		{"zero At", []Post{testPost("two", t0.Add(time.Minute)), noAt}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			queued, err := db.ApplyPoll("blog", FeedState{URL: "new", ETag: "new"}, tt.posts, true, t0.Add(time.Hour))
			if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Fatalf("ApplyPoll error = %v, want %v", err, tt.is)
			}
			if queued != 0 {
				t.Errorf("queued = %d after a failure", queued)
			}
			if got, _ := db.FeedState("blog"); !reflect.DeepEqual(got, before) {
				t.Errorf("FeedState = %+v, want it unchanged", got)
			}
			checkPostsStored(t, db, good)
			if _, err := db.Document(tt.posts[0].Activity.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("Document of the rolled-back post: %v, want ErrNotFound", err)
			}
			if n, _ := db.PendingJobs(); n != 2 {
				t.Errorf("PendingJobs = %d, want 2 (accept and first post)", n)
			}
		})
	}
}

func TestApplyPollEdit(t *testing.T) {
	db := openTestDB(t)
	p := testPost("one", t0)
	if _, err := db.ApplyPoll("blog", FeedState{}, []Post{p}, false, t0); err != nil {
		t.Fatal(err)
	}
	edit := p
	edit.Item.Hash, edit.Item.Version, edit.Item.Updated = "h2", 1, t0.Add(time.Hour)
	edit.Object.JSON = []byte(`{"id":"edited"}`)
	edit.Activity = doc(p.Object.ID + "/update/1")
	edit.At = t0.Add(time.Hour)
	if _, err := db.ApplyPoll("blog", FeedState{}, []Post{edit}, false, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	seen, err := db.SeenItems("blog")
	if err != nil || len(seen) != 1 || !reflect.DeepEqual(seen["one"], edit.Item) {
		t.Errorf("SeenItems = %+v, %v; want the edited item only", seen, err)
	}
	if got, _ := db.Document(p.Object.ID); string(got) != `{"id":"edited"}` {
		t.Errorf("object = %s, want the edited one", got)
	}
	for _, id := range []string{p.Activity.ID, edit.Activity.ID} {
		if _, err := db.Document(id); err != nil {
			t.Errorf("Document(%s): %v", id, err)
		}
	}
}

func TestDocumentNotFound(t *testing.T) {
	db := openTestDB(t)
	for _, id := range []string{"https://h.example/nope", ""} {
		if got, err := db.Document(id); !errors.Is(err, ErrNotFound) || got != nil {
			t.Errorf("Document(%q) = %s, %v; want ErrNotFound", id, got, err)
		}
	}
}

// fillOutbox applies one post per time in ats and returns the activity ids.
func fillOutbox(t *testing.T, db *testDB, ats []time.Time) []string {
	t.Helper()
	var posts []Post
	var ids []string
	for i, at := range ats {
		p := testPost(fmt.Sprintf("item-%03d", i), at)
		posts = append(posts, p)
		ids = append(ids, p.Activity.ID)
	}
	if _, err := db.ApplyPoll("blog", FeedState{}, posts, false, t0); err != nil {
		t.Fatal(err)
	}
	return ids
}

func activityIDs(t *testing.T, entries []OutboxEntry) []string {
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

func TestOutbox(t *testing.T) {
	db := openTestDB(t)
	if entries, total, err := db.Outbox("blog", time.Time{}, 10); err != nil || total != 0 || entries != nil {
		t.Errorf("empty outbox = %v, %d, %v", entries, total, err)
	}
	ats := []time.Time{t0, t0.Add(time.Minute), t0.Add(2 * time.Minute), t0.Add(3 * time.Minute)}
	ids := fillOutbox(t, db, ats)
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
		t.Run(tt.name, func(t *testing.T) {
			entries, total, err := db.Outbox("blog", tt.before, tt.limit)
			if err != nil || total != len(ids) {
				t.Fatalf("Outbox total = %d, %v; want %d", total, err, len(ids))
			}
			if got := activityIDs(t, entries); !slices.Equal(got, tt.want) {
				t.Errorf("Outbox = %v, want %v", got, tt.want)
			}
		})
	}
	if entries, _, _ := db.Outbox("blog", time.Time{}, 1); len(entries) != 1 || !entries[0].At.Equal(ats[3]) {
		t.Errorf("newest entry = %+v, want At %v", entries, ats[3])
	}
}

// TestOutboxPaging pages through an outbox larger than one bbolt page whose
// entries partly share a time (items of one poll, items with equal
// Published), with new activities arriving between pages.
func TestOutboxPaging(t *testing.T) {
	db := openTestDB(t)
	var ats []time.Time
	for i := range 300 {
		ats = append(ats, t0.Add(time.Duration(i/4)*time.Second)) // four per second
	}
	ats = append(ats, time.Date(1969, 7, 20, 20, 17, 0, 0, time.UTC)) // before the epoch: oldest
	ids := fillOutbox(t, db, ats)
	var all []string
	var before time.Time
	for page := 0; ; page++ {
		entries, total, err := db.Outbox("blog", before, 7)
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
		fillNewer(t, db, page)
	}
	want := slices.Clone(ids[:300])
	slices.Reverse(want)
	want = append(want, ids[300])
	if !slices.Equal(all, want) {
		t.Errorf("pages listed %d activities, want all %d, newest first, each once", len(all), len(want))
	}
}

func fillNewer(t *testing.T, db *testDB, n int) {
	t.Helper()
	p := testPost(fmt.Sprintf("new-%03d", n), t0.AddDate(0, 0, 1))
	if _, err := db.ApplyPoll("blog", FeedState{}, []Post{p}, false, t0); err != nil {
		t.Fatal(err)
	}
}

// TestOutboxSameTimeIdempotent checks that applying the same posts again,
// at the same times, adds no outbox entries.
func TestOutboxSameTimeIdempotent(t *testing.T) {
	db := openTestDB(t)
	posts := []Post{testPost("a", t0), testPost("b", t0), testPost("c", t0)}
	for range 2 {
		if _, err := db.ApplyPoll("blog", FeedState{}, posts, false, t0); err != nil {
			t.Fatal(err)
		}
	}
	entries, total, err := db.Outbox("blog", time.Time{}, 10)
	if err != nil || total != 3 || len(entries) != 3 {
		t.Fatalf("Outbox = %d entries, total %d, %v; want 3", len(entries), total, err)
	}
	for i, e := range entries {
		if d := e.At.Sub(t0); d < 0 || d > 2*time.Nanosecond || !strings.Contains(string(e.Activity), "/create") {
			t.Errorf("entry %d at %v, want within 2ns of %v", i, e.At, t0)
		}
	}
}
