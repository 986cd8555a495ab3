package storetest

import (
	"testing"
	"time"

	"herald/store"
)

var feedChecks = []check{
	{"RecordPing and LastPing", checkPings},
	{"SetPaused and Paused", checkPaused},
	{"Subscription", checkSubscription},
	{"Ownership", checkOwnership},
	{"Size", checkSize},
}

func checkPings(t *testing.T, b Backend) {
	if p, found, err := b.LastPing("blog"); err != nil || found || p != (store.Ping{}) {
		t.Errorf("LastPing before any = %+v, %t, %v", p, found, err)
	}
	first := store.Ping{At: t0, Via: "xmlrpc weblogUpdates.extendedPing", Source: "https://blog.example/"}
	second := store.Ping{At: t0.Add(time.Minute), Via: "websub", Source: "https://blog.example/feed"}
	for _, p := range []store.Ping{first, second} {
		if err := b.RecordPing("blog", p); err != nil {
			t.Fatal(err)
		}
	}
	if p, found, err := b.LastPing("blog"); err != nil || !found || p != second {
		t.Errorf("LastPing = %+v, %t, %v; want %+v", p, found, err, second)
	}
	if _, found, _ := b.LastPing("other"); found {
		t.Error("another feed has a ping")
	}
}

// checkPaused: a pause is kept to the second, in UTC, until resumed.
func checkPaused(t *testing.T, b Backend) {
	if _, ok, err := b.Paused("blog"); err != nil || ok {
		t.Errorf("Paused before any = %t, %v", ok, err)
	}
	at := time.Date(2025, 3, 1, 13, 0, 0, 750_000_000, time.FixedZone("CET", 3600))
	if err := b.SetPaused("blog", true, at); err != nil {
		t.Fatal(err)
	}
	since, ok, err := b.Paused("blog")
	if want := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC); err != nil || !ok || since != want {
		t.Errorf("Paused = %v, %t, %v; want %v", since, ok, err, want)
	}
	if _, ok, _ := b.Paused("other"); ok {
		t.Error("another feed is paused")
	}
	for range 2 { // resuming twice is no error
		if err := b.SetPaused("blog", false, t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok, err := b.Paused("blog"); err != nil || ok {
		t.Errorf("Paused after resuming = %t, %v", ok, err)
	}
}

func checkSubscription(t *testing.T, b Backend) {
	if sub, err := b.Subscription("blog"); err != nil || sub != (store.Subscription{}) {
		t.Errorf("Subscription before any = %+v, %v", sub, err)
	}
	pending := store.Subscription{Hub: "https://hub.example/", Topic: "https://blog.example/feed", Secret: "s", State: "pending", Requested: t0}
	active := pending
	active.State, active.LeaseSeconds, active.LeaseUntil = "active", 864000, t0.Add(240*time.Hour)
	for _, sub := range []store.Subscription{pending, active} {
		if err := b.SaveSubscription("blog", sub); err != nil {
			t.Fatal(err)
		}
	}
	if sub, err := b.Subscription("blog"); err != nil || sub != active {
		t.Errorf("Subscription = %+v, %v; want %+v", sub, err, active)
	}
}

// checkOwnership: the token is made once per account, and the state
// saved is the state read.
func checkOwnership(t *testing.T, b Backend) {
	o, err := b.Ownership("blog")
	if err != nil || len(o.Token) != 32 || o.Verified {
		t.Fatalf("Ownership = %+v, %v; want a fresh 32-digit token", o, err)
	}
	if again, _ := b.Ownership("blog"); again != o {
		t.Errorf("Ownership again = %+v, want %+v", again, o)
	}
	if other, _ := b.Ownership("other"); other.Token == o.Token {
		t.Error("two accounts share a token")
	}
	o.Verified, o.Method, o.VerifiedAt, o.LastCheck, o.LastError = true, "meta", t0, t0, ""
	if err := b.SaveOwnership("blog", o); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Ownership("blog"); err != nil || got != o {
		t.Errorf("Ownership = %+v, %v; want %+v", got, err, o)
	}
}

// checkSize: a store has a size.
func checkSize(t *testing.T, b Backend) {
	if n, err := b.Size(); err != nil || n <= 0 {
		t.Errorf("Size = %d, %v", n, err)
	}
}
