package storetest

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"

	"herald/store"
)

var postChecks = []check{
	{"ApplyPoll/one job per unique inbox", checkApplyPoll},
	{"ApplyPoll/all or nothing", checkApplyPollAtomic},
	{"ApplyPoll/edit", checkApplyPollEdit},
}

// The followers of checkApplyPoll (two behind one shared inbox, one behind
// another, two with only a personal inbox) and the inboxes, sorted, that a
// post to all of them goes to.
var (
	pollFollowers = []store.Follower{
		{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox", SharedInbox: "https://a.example/inbox"},
		{ID: "https://a.example/u/2", Inbox: "https://a.example/u/2/inbox", SharedInbox: "https://a.example/inbox"},
		{ID: "https://b.example/u/1", Inbox: "https://b.example/u/1/inbox"},
		{ID: "https://c.example/u/1", Inbox: "https://c.example/u/1/inbox", SharedInbox: "https://c.example/inbox"},
		{ID: "https://b.example/u/2", Inbox: "https://b.example/u/2/inbox"},
	}
	pollInboxes = []string{"https://a.example/inbox", "https://b.example/u/1/inbox", "https://b.example/u/2/inbox", "https://c.example/inbox"}
)

func checkApplyPoll(t *testing.T, b Backend) {
	posts := []store.Post{testPost("one", t0), testPost("two", t0.Add(time.Minute))}
	tests := []struct {
		name      string
		followers []store.Follower
		deliver   bool
		posts     []store.Post
		want      []string // inboxes per activity
	}{
		{"no delivery on the first poll", pollFollowers, false, posts, nil},
		{"no followers", nil, true, posts, nil},
		{"no posts", pollFollowers, true, nil, nil},
		{"shared inbox preferred, one job per inbox", pollFollowers, true, posts, pollInboxes},
		{"personal inboxes only", pollFollowers[2:3], true, posts[:1], []string{"https://b.example/u/1/inbox"}},
	}
	for i, tt := range tests {
		handle := string(rune('a' + i)) // a store of its own for each case
		importFollowers(t, b, handle, tt.followers...)
		before := jobsByActivity(t, b)
		state := store.FeedState{URL: "https://blog.example/feed", Initialised: true, LastSuccess: t0}
		var ps []store.Post
		for _, p := range tt.posts {
			ps = append(ps, testPost(handle+"-"+p.Item.Key, p.At))
		}
		queued, err := b.ApplyPoll(handle, state, ps, tt.deliver, t0)
		if err != nil {
			t.Fatalf("%s: ApplyPoll: %v", tt.name, err)
		}
		if want := len(tt.want) * len(ps); queued != want {
			t.Errorf("%s: queued = %d, want %d", tt.name, queued, want)
		}
		jobs := jobsByActivity(t, b)
		for id := range before {
			delete(jobs, id)
		}
		want := map[string][]string{}
		for _, p := range ps {
			if tt.want != nil {
				want[p.Activity.ID] = tt.want
			}
		}
		if !reflect.DeepEqual(jobs, want) {
			t.Errorf("%s: jobs = %v, want %v", tt.name, jobs, want)
		}
		if got, err := b.FeedState(handle); err != nil || !reflect.DeepEqual(got, state) {
			t.Errorf("%s: FeedState = %+v, %v; want %+v", tt.name, got, err, state)
		}
		checkPostsStored(t, b, handle, ps)
	}
}

// checkPostsStored checks that the items, documents and outbox entries of
// posts (and nothing else) are stored for handle.
func checkPostsStored(t *testing.T, b Backend, handle string, posts []store.Post) {
	t.Helper()
	seen, err := b.SeenItems(handle)
	if err != nil {
		t.Fatal(err)
	}
	wantSeen := map[string]store.SeenItem{}
	for _, p := range posts {
		wantSeen[p.Item.Key] = p.Item
		for _, d := range []store.Document{p.Object, p.Activity} {
			if got, err := b.Document(d.ID); err != nil || !bytes.Equal(got, d.JSON) {
				t.Errorf("Document(%s) = %s, %v; want %s", d.ID, got, err, d.JSON)
			}
		}
	}
	if !reflect.DeepEqual(seen, wantSeen) {
		t.Errorf("SeenItems = %+v, want %+v", seen, wantSeen)
	}
	if _, total, err := b.Outbox(handle, time.Time{}, 0); err != nil || total != len(posts) {
		t.Errorf("outbox total = %d, %v; want %d", total, err, len(posts))
	}
}

func checkApplyPollAtomic(t *testing.T, b Backend) {
	importFollowers(t, b, "blog", store.Follower{ID: "https://a.example/u/1", Inbox: "https://a.example/u/1/inbox"})
	before := store.FeedState{URL: "https://blog.example/feed", ETag: "old", Initialised: true}
	good := []store.Post{testPost("one", t0)}
	if _, err := b.ApplyPoll("blog", before, good, true, t0); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		posts []store.Post
	}{
		{"empty item key", []store.Post{testPost("two", t0.Add(time.Minute)), testPost("", t0.Add(2*time.Minute))}},
		{"zero At", []store.Post{testPost("two", t0.Add(time.Minute)), testPost("late", time.Time{})}},
	}
	for _, tt := range tests {
		queued, err := b.ApplyPoll("blog", store.FeedState{URL: "new", ETag: "new"}, tt.posts, true, t0.Add(time.Hour))
		if err == nil {
			t.Fatalf("%s: ApplyPoll succeeded", tt.name)
		}
		if queued != 0 {
			t.Errorf("%s: queued = %d after a failure", tt.name, queued)
		}
		if got, _ := b.FeedState("blog"); !reflect.DeepEqual(got, before) {
			t.Errorf("%s: FeedState = %+v, want it unchanged", tt.name, got)
		}
		checkPostsStored(t, b, "blog", good)
		if _, err := b.Document(tt.posts[0].Activity.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: Document of the rolled-back post: %v, want ErrNotFound", tt.name, err)
		}
		if n, _ := b.PendingJobs(); n != 1 {
			t.Errorf("%s: PendingJobs = %d, want 1 (the first post's)", tt.name, n)
		}
	}
}

func checkApplyPollEdit(t *testing.T, b Backend) {
	p := testPost("one", t0)
	p.Item.Link = "https://blog.example/one"
	if _, err := b.ApplyPoll("blog", store.FeedState{}, []store.Post{p}, false, t0); err != nil {
		t.Fatal(err)
	}
	edit := p
	edit.Item.Hash, edit.Item.Version, edit.Item.Updated, edit.Item.Link = "h2", 1, t0.Add(time.Hour), ""
	edit.Object.JSON = []byte(`{"id":"edited"}`)
	edit.Activity = doc(p.Object.ID + "/update/1")
	edit.At = t0.Add(time.Hour)
	if _, err := b.ApplyPoll("blog", store.FeedState{}, []store.Post{edit}, false, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	seen, err := b.SeenItems("blog")
	if err != nil || len(seen) != 1 || !reflect.DeepEqual(seen["one"], edit.Item) {
		t.Errorf("SeenItems = %+v, %v; want the edited item only", seen, err)
	}
	if got, _ := b.Document(p.Object.ID); string(got) != `{"id":"edited"}` {
		t.Errorf("object = %s, want the edited one", got)
	}
	for _, id := range []string{p.Activity.ID, edit.Activity.ID} {
		if _, err := b.Document(id); err != nil {
			t.Errorf("Document(%s): %v", id, err)
		}
	}
	if _, total, _ := b.Outbox("blog", time.Time{}, 10); total != 2 {
		t.Errorf("outbox total = %d, want the Create and the Update", total)
	}
}
