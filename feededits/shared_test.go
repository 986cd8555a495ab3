package feededits_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"herald/admin"
	"herald/config"
	"herald/feededits"
	"herald/pgtest"
	"herald/store/postgres"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// replica is one process's view: its own configuration and the shared
// database; changed counts the reloads it was asked for.
type replica struct {
	feeds   *feededits.Shared
	store   *postgres.Store
	changed chan struct{}
}

func newReplica(t *testing.T, url string) *replica {
	t.Helper()
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := &replica{store: st, changed: make(chan struct{}, 16)}
	base := baseConfig(t)
	r.feeds = &feededits.Shared{Store: st, Load: func() (*config.Config, error) { return base, nil },
		Changed: func() { r.changed <- struct{}{} }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return r
}

func (r *replica) handles(t *testing.T) string {
	t.Helper()
	cfg, _, err := r.feeds.Config()
	if err != nil {
		t.Fatal(err)
	}
	return handles(cfg)
}

// TestSharedAcrossReplicas: an edit made through one replica holds for
// the other, whose watcher asks it to reload; the editing replica
// reloads at once.
func TestSharedAcrossReplicas(t *testing.T) {
	url := pgtest.Database(t)
	one, two := newReplica(t, url), newReplica(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, seen, _ := two.feeds.Config()
	go feededits.Watch(ctx, two.store, func() int64 { return seen }, 10*time.Millisecond, two.feeds.Log, func() { two.changed <- struct{}{} })

	if err := one.feeds.AddFeed("roads", "https://www.example.org/roads.xml"); err != nil {
		t.Fatal(err)
	}
	waitChanged(t, one, "the editing replica")
	waitChanged(t, two, "the other replica")
	if got := two.handles(t); got != "news,weather,roads" {
		t.Errorf("the other replica's feeds: %s", got)
	}
	if err := two.feeds.UpdateFeed("roads", map[string]string{"name": "Wegen"}); err != nil {
		t.Fatal(err)
	}
	if err := two.feeds.RemoveFeed("weather"); err != nil {
		t.Fatal(err)
	}
	cfg, seq, err := one.feeds.Config()
	if err != nil || handles(cfg) != "news,roads" || cfg.Feeds[1].Name != "Wegen" || seq != 3 {
		t.Errorf("first replica: %v (%v), newest edit %d, err %v; want news,roads with roads named Wegen, edit 3", handles(cfg), cfg.Feeds, seq, err)
	}
}

func waitChanged(t *testing.T, r *replica, who string) {
	t.Helper()
	select {
	case <-r.changed:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s was not asked to reload", who)
	}
}

// refusedEdits each break a rule; none is recorded.
var refusedEdits = []struct {
	name string
	edit func(*feededits.Shared) error
}{
	{"a handle taken", func(s *feededits.Shared) error { return s.AddFeed("news", "https://www.example.org/other.xml") }},
	{"no URL", func(s *feededits.Shared) error { return s.AddFeed("roads", "ftp://www.example.org/roads") }},
	{"an unknown feed", func(s *feededits.Shared) error { return s.UpdateFeed("roads", map[string]string{"name": "x"}) }},
	{"an unknown field", func(s *feededits.Shared) error { return s.UpdateFeed("news", map[string]string{"handle": "x"}) }},
	{"removing an unknown feed", func(s *feededits.Shared) error { return s.RemoveFeed("roads") }},
}

// TestSharedRefusals: an edit that does not apply is refused with
// admin.ErrConfigEdit (a 400 in the admin API) and changes nothing;
// removing the last feed is refused as the file editor refuses it.
func TestSharedRefusals(t *testing.T) {
	r := newReplica(t, pgtest.Database(t))
	if err := r.feeds.RemoveFeed("weather"); err != nil {
		t.Fatal(err)
	}
	refused := append(refusedEdits, struct {
		name string
		edit func(*feededits.Shared) error
	}{"the last feed", func(s *feededits.Shared) error { return s.RemoveFeed("news") }})
	for _, c := range refused {
		err := c.edit(r.feeds)
		if !errors.Is(err, admin.ErrConfigEdit) {
			t.Errorf("%s: %v, want a refused edit", c.name, err)
		}
	}
	if last, err := r.store.LastFeedEdit(); err != nil || last != 1 {
		t.Errorf("newest edit %d (%v), want 1: refused edits were recorded", last, err)
	}
	if got := r.handles(t); got != "news" {
		t.Errorf("feeds %s, want news", got)
	}
}
