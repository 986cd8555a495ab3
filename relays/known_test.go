package relays

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"herald/actor"
	"herald/config"
	"herald/store"
)

// unusedRemote and noDeliveries stand in for what reloadKnown never uses.
type unusedRemote struct{}

func (unusedRemote) Actor(context.Context, string) (store.RemoteActor, error) {
	return store.RemoteActor{}, errors.New("no actor is fetched here")
}

type noDeliveries struct{}

func (noDeliveries) Notify() {}

// TestReloadKnown: a relay subscription stored by another replica (here:
// written to the store after the Manager read it) is known to IsRelay once
// the Manager reloads; a relay refused since is forgotten.
func TestReloadKnown(t *testing.T) {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := New(Options{Config: &config.Config{BaseURL: "https://news.example"}, Store: st,
		Render: actor.NewRenderer("https://news.example"), Remote: unusedRemote{}, Deliveries: noDeliveries{},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	relay := store.Relay{URL: "https://relay.example/inbox", Flavour: config.RelayMastodon, Inbox: "https://relay.example/inbox",
		ActorID: "https://relay.example/actor", FollowID: "https://news.example/relay/follows/1", State: store.RelayAccepted, Since: time.Now()}
	if err := st.PutRelay(relay); err != nil {
		t.Fatal(err)
	}
	if m.IsRelay(relay.ActorID) {
		t.Fatal("IsRelay knows a relay stored after New before any reload")
	}
	steps := []struct {
		state string
		want  bool
	}{{store.RelayAccepted, true}, {store.RelayRefused, false}}
	for _, s := range steps {
		relay.State = s.state
		if err := st.PutRelay(relay); err != nil {
			t.Fatal(err)
		}
		if err := m.reloadKnown(); err != nil {
			t.Fatal(err)
		}
		if got := m.IsRelay(relay.ActorID); got != s.want {
			t.Errorf("%s relay: IsRelay = %t after a reload, want %t", s.state, got, s.want)
		}
	}
}
