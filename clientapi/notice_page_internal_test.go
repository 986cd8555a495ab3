package clientapi

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"herald/actor"
	"herald/config"
	"herald/oauth"
	"herald/pgtest"
	"herald/store"
	"herald/store/postgres"
)

// The parts of an API that noticePage does not use.
type (
	noAccounts   struct{}
	noAuth       struct{}
	noRemote     struct{}
	noDeliveries struct{}
)

func (noAccounts) Known(string) bool                     { return true }
func (noAccounts) Published(string) bool                 { return true }
func (noAccounts) Handles() []string                     { return []string{"news"} }
func (noAccounts) Feed(h string) config.Feed             { return config.Feed{Handle: h} }
func (noAccounts) Profile(string) (actor.Profile, error) { return actor.Profile{}, nil }
func (noAccounts) SigningKey(string, string) (string, *rsa.PrivateKey, error) {
	return "", nil, errors.New("the notice benchmark signs nothing")
}
func (noRemote) Lookup(context.Context, string) (store.RemoteActor, error) {
	return store.RemoteActor{}, nil
}
func (noRemote) Actor(context.Context, string) (store.RemoteActor, error) {
	return store.RemoteActor{}, nil
}
func (noDeliveries) Notify() {}
func (noAuth) Authenticate(*http.Request) (oauth.Access, bool, error) {
	return oauth.Access{}, false, nil
}

const noticeBase = "https://herald.example"

// noticeStore is a store the tests fill.
type noticeStore interface {
	Store
	AddInteraction(i store.Interaction) (isNew bool, err error)
	ImportFollowers(handle string, followers []store.Follower) (added int, err error)
}

// openNoticeStore opens a fresh store: bbolt, or PostgreSQL (pgtest).
func openNoticeStore(tb testing.TB, postgresql bool) noticeStore {
	tb.Helper()
	if postgresql {
		s, err := postgres.Open(context.Background(), pgtest.Database(tb))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	}
	s, err := store.Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// noticeAPI returns an API on s holding, for news, n interactions
// (likes, boosts, replies on 50 posts and mentions, many in the same
// millisecond), 40 followers and some dismissals.
// Their times fall on n/3 instants spread over span (one millisecond
// apart when span is zero).
func noticeAPI(tb testing.TB, s noticeStore, n int, seed uint64, span time.Duration) *API {
	tb.Helper()
	r := actor.NewRenderer(noticeBase)
	a, err := New(Options{Config: &config.Config{BaseURL: noticeBase}, Store: s, Accounts: noAccounts{}, Auth: noAuth{}, Remote: noRemote{},
		Deliveries: noDeliveries{}, Render: r, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now})
	if err != nil {
		tb.Fatal(err)
	}
	addNoticeData(tb, s, r.Actor("news"), n, rand.New(rand.NewPCG(seed, 1)), span)
	return a
}

// noticeKinds are the kinds of the interactions made up, by weight.
var noticeKinds = []string{store.KindLike, store.KindLike, store.KindLike, store.KindShare, store.KindReply, store.KindMention}

func addNoticeData(tb testing.TB, s noticeStore, news string, n int, rnd *rand.Rand, span time.Duration) {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	step := max(span/time.Duration(n/3+1), time.Millisecond)
	at := func() time.Time {
		return t0.Add(time.Duration(rnd.IntN(n/3+1))*step + time.Duration(rnd.IntN(3))*time.Microsecond)
	}
	list := make([]store.Interaction, n)
	for k := range list {
		kind, object := noticeKinds[rnd.IntN(len(noticeKinds))], fmt.Sprintf("%s/posts/%d", news, rnd.IntN(50))
		if kind == store.KindMention {
			object = news
		}
		list[k] = store.Interaction{ID: fmt.Sprintf("https://r%d.example/a/%d", k%97, k), Kind: kind, Actor: fmt.Sprintf("https://r%d.example/u/%d", k%97, k),
			Object: object, Content: "x", Received: at()}
	}
	var wg sync.WaitGroup
	for w := range 64 { // the store commits concurrent writes together
		wg.Go(func() {
			for k := w; k < n; k += 64 {
				if _, err := s.AddInteraction(list[k]); err != nil {
					tb.Error(err)
				}
			}
		})
	}
	wg.Wait()
	var followers []store.Follower
	for k := range 40 {
		followers = append(followers, store.Follower{ID: fmt.Sprintf("https://f.example/u/%d", k), Inbox: "https://f.example/inbox", Since: at()})
	}
	if _, err := s.ImportFollowers("news", followers); err != nil {
		tb.Fatal(err)
	}
	for k := 0; k < n; k += 7 {
		if err := s.DismissNotification("news", statusID(list[k].Received, notificationTypes[list[k].Kind]+"\x00"+list[k].ID)); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestNoticePageAsRebuilt: a page read through the index by time is the
// page cut from all the notifications, for every paging and filter, on
// both stores.
func TestNoticePageAsRebuilt(t *testing.T) {
	t.Run("bbolt", func(t *testing.T) { noticePageAsRebuilt(t, false) })
	t.Run("postgres", func(t *testing.T) { noticePageAsRebuilt(t, true) })
}

func noticePageAsRebuilt(t *testing.T, postgresql bool) {
	a := noticeAPI(t, openNoticeStore(t, postgresql), 600, 7, 0)
	all, err := a.notices("news")
	if err != nil || len(all) < 500 {
		t.Fatalf("%d notifications, %v", len(all), err)
	}
	filters := map[string]noticeFilter{"all": {}, "mentions": {types: []string{typeMention}},
		"no likes": {excluded: []string{typeFavourite}}, "follows": {types: []string{typeFollow}}}
	for name, f := range filters {
		for _, p := range noticeQueries(all) {
			want := page(all, p, f.keeps)
			got, err := a.noticePage("news", p, f.keeps)
			if err != nil || !slices.EqualFunc(got, want, func(x, y notice) bool { return x.id == y.id }) {
				t.Errorf("%s %+v: %d notifications, %v; want %d", name, p, len(got), err, len(want))
			}
		}
	}
}

// noticeQueries are pages to ask for: the first, bounded by ids of all
// (some in a crowded millisecond), with limits small and large.
func noticeQueries(all []notice) []pageQuery {
	out := []pageQuery{{limit: 40}, {limit: 1}, {limit: 80}, {limit: 5000}}
	for _, k := range []int{3, 100, 250, len(all) - 2} {
		id := all[k].id
		out = append(out, pageQuery{maxID: id, limit: 40}, pageQuery{sinceID: id, limit: 40}, pageQuery{minID: id, limit: 40},
			pageQuery{minID: id, limit: 3}, pageQuery{maxID: id, sinceID: all[k+1].id - 1, limit: 40}, pageQuery{maxID: id + 1, sinceID: id - 1, limit: 1})
	}
	return out
}

// BenchmarkNotificationPage: the first page of 40 notifications (and of
// 40 groups) of an account with 50,000 interactions, made from all of
// them (as before the index) and read through the index by time, in the
// same run, on each store:
//
//	go test -run '^$' -bench NotificationPage -benchtime 20x ./clientapi
func BenchmarkNotificationPage(b *testing.B) {
	for _, backend := range []string{"bbolt", "postgres"} {
		a := noticeAPI(b, openNoticeStore(b, backend == "postgres"), 50000, 1, 0)
		keep := func(notice) bool { return true }
		b.Run(backend+"/rebuilt", func(b *testing.B) {
			for b.Loop() {
				all, err := a.notices("news")
				if err != nil || len(page(all, pageQuery{limit: 40}, keep)) != 40 {
					b.Fatal(err)
				}
			}
		})
		b.Run(backend+"/indexed", func(b *testing.B) {
			for b.Loop() {
				if found, err := a.noticePage("news", pageQuery{limit: 40}, keep); err != nil || len(found) != 40 {
					b.Fatal(err)
				}
			}
		})
		benchmarkGroupedPage(b, a, backend)
	}
}

// benchmarkGroupedPage: the first page of 40 notification groups, both
// ways.
func benchmarkGroupedPage(b *testing.B, a *API, backend string) {
	keep, g := func(notice) bool { return true }, newGrouping(nil)
	b.Run(backend+"/grouped-rebuilt", func(b *testing.B) {
		for b.Loop() {
			all, err := a.notices("news")
			if groups, _ := groupPage(all, pageQuery{limit: 40}, g); err != nil || len(groups) != 40 {
				b.Fatal(err)
			}
		}
	})
	b.Run(backend+"/grouped-indexed", func(b *testing.B) {
		for b.Loop() {
			if groups, _, err := a.groupedPage("news", pageQuery{limit: 40}, keep, g); err != nil || len(groups) != 40 {
				b.Fatal(err)
			}
		}
	})
}
