package remote_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"herald/fedtest"
	"herald/outbound"
	"herald/remote"
	"herald/store"
)

// TestLookup finds a Mastodon-style account by WebFinger (over plain http:
// the peer is on loopback) and caches what the client API shows of it; a
// name the server does not know gives ErrNoAccount, and without
// PlainWebFinger nothing is asked over http.
func TestLookup(t *testing.T) {
	peer, err := fedtest.NewPeer(fedtest.StyleMastodon)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(peer.Close)
	peer.User.SetProfile("Alice Example", peer.URL+"/alice.png")
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	resolver := func(plain bool) *remote.Resolver {
		return remote.New(remote.Options{Store: st, Client: outbound.NewClient(outbound.Options{AllowPrivate: true, Timeout: 5 * time.Second}),
			PlainWebFinger: plain, Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a, err := resolver(true).Lookup(ctx, "alice@"+peer.Host())
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != peer.User.ID() || a.Username != "alice" || a.Name != "Alice Example" || a.Icon != peer.URL+"/alice.png" ||
		a.Followers != peer.User.ID()+"/followers" || a.SharedInbox != peer.SharedInbox() {
		t.Errorf("Lookup = %+v", a)
	}
	if cached, found, _ := st.RemoteActor(a.ID); !found || cached.Name != "Alice Example" {
		t.Errorf("cached %+v, %t", cached, found)
	}
	if _, err := resolver(true).Lookup(ctx, "nobody@"+peer.Host()); !errors.Is(err, remote.ErrNoAccount) {
		t.Errorf("unknown account: %v, want ErrNoAccount", err)
	}
	if _, err := resolver(false).Lookup(ctx, "alice@"+peer.Host()); err == nil {
		t.Error("without PlainWebFinger, an http-only server was asked over http")
	}
	if _, err := resolver(true).Lookup(ctx, "not an acct"); !errors.Is(err, remote.ErrNoAccount) {
		t.Errorf("malformed acct: %v", err)
	}
}
