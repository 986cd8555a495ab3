package postgres_test

import (
	"testing"
	"time"

	"herald/store"
)

// oneOfEach returns a record of every kind that store.Dump yields, with
// times to the nanosecond (which the PostgreSQL store keeps to the
// microsecond).
func oneOfEach() []store.Record {
	at := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.FixedZone("CET", 3600))
	item := store.SeenItem{Key: "guid-1", ObjectID: "https://h.example/o/1", Hash: "h", Published: at, Version: 1, Link: "https://site.example/1"}
	doc := store.Document{ID: "https://h.example/o/1", JSON: []byte(`{"id":"https://h.example/o/1"}`)}
	who := store.Principal{Kind: store.PrincipalUser, Name: "ann"}
	return []store.Record{
		{Kind: store.RecordActorKey, Key: "news", Value: []byte("sealed key")},
		{Kind: store.RecordFeed, Key: "news", Value: store.FeedState{URL: "https://site.example/feed", Initialised: true, LastSuccess: at}},
		{Kind: store.RecordItem, Handle: "news", Key: item.Key, Value: item},
		{Kind: store.RecordDocument, Key: doc.ID, Value: doc.JSON},
		{Kind: store.RecordTombstone, Key: "https://h.example/o/2", Value: store.TombstoneRecord{Body: []byte(`{"type":"Tombstone"}`)}},
		{Kind: store.RecordTombstone, Key: "https://h.example/a/2", Value: store.TombstoneRecord{AliasOf: "https://h.example/o/2"}},
		{Kind: store.RecordOutbox, Handle: "news", Key: "1772597167123456789", Value: "https://h.example/a/1"},
		{Kind: store.RecordFollower, Handle: "news", Key: "https://p.example/u/a", Value: store.Follower{ID: "https://p.example/u/a", Inbox: "https://p.example/u/a/inbox", FollowID: "f", Since: at}},
		{Kind: store.RecordFollowerCount, Handle: "news", Key: "2026-03-04", Value: 7},
		{Kind: store.RecordJob, Key: "https://h.example/a/1\x00https://p.example/inbox", Value: store.Job{ActivityID: "https://h.example/a/1", Inbox: "https://p.example/inbox", Handle: "news", Attempts: 2, NextAttempt: at, LastError: "503", Created: at}},
		{Kind: store.RecordActivityStats, Key: "https://h.example/a/1", Value: store.ActivityStats{Queued: 3, Delivered: 1, Failed: 1, LastError: "410"}},
		{Kind: store.RecordHost, Key: "p.example", Value: store.HostState{Host: "p.example", State: "held", Failures: 4, LastFailure: at, HeldUntil: at, Cooldown: 90 * time.Second}},
		{Kind: store.RecordInteraction, Key: "https://p.example/like/1\x00" + doc.ID, Value: store.Interaction{ID: "https://p.example/like/1", Kind: store.KindLike, Actor: "https://p.example/u/a", Object: doc.ID, Received: at}},
		{Kind: store.RecordRelay, Key: "https://relay.example/inbox", Value: store.Relay{URL: "https://relay.example/inbox", Flavour: "mastodon", State: store.RelayPending, Since: at}},
		{Kind: store.RecordRemoteActor, Key: "https://p.example/u/a", Value: store.RemoteActor{ID: "https://p.example/u/a", Inbox: "https://p.example/u/a/inbox", KeyID: "k", PublicKeyPEM: "pem", FetchedAt: at}},
		{Kind: store.RecordRemoteKey, Key: "k", Value: "https://p.example/u/a"},
		{Kind: store.RecordScheduled, Handle: "news", Key: "guid-2", Value: store.Scheduled{Post: store.Post{Item: item, Object: doc, Activity: doc, At: at}, Due: at}},
		{Kind: store.RecordPing, Key: "news", Value: store.Ping{At: at, Via: "api", Source: "https://site.example/"}},
		{Kind: store.RecordPaused, Key: "news", Value: at.Truncate(time.Second).UTC()},
		{Kind: store.RecordSubscription, Key: "news", Value: store.Subscription{Hub: "https://hub.example/", Topic: "t", Secret: "s", State: "active", Requested: at, LeaseSeconds: 3600, LeaseUntil: at}},
		{Kind: store.RecordOwnership, Key: "news", Value: store.Ownership{Token: "tok", Verified: true, Method: "meta", VerifiedAt: at, LastCheck: at}},
		{Kind: store.RecordFlag, Key: "https://p.example/flag/1", Value: store.Flag{ID: "https://p.example/flag/1", Actor: "https://p.example/actor", Received: at}},
		{Kind: store.RecordOAuthApp, Key: "client", Value: store.OAuthApp{ID: "1", ClientID: "client", Name: "App", RedirectURIs: []string{"urn:ietf:wg:oauth:2.0:oob"}, Created: at}},
		{Kind: store.RecordOAuthCode, Key: "0707", Value: store.OAuthCode{ClientID: "client", Handle: "news", Who: who, Created: at, Expires: at}},
		{Kind: store.RecordOAuthToken, Key: "0808", Value: store.OAuthToken{ClientID: "client", Handle: "news", Who: who, Scopes: []string{"read"}, Created: at}},
		{Kind: store.RecordWebcareUser, Key: "ann", Value: store.WebcareUser{Name: "ann", Handle: "news", PasswordHash: []byte("x"), Created: at}},
		{Kind: store.RecordAudit, Key: "3", Value: store.AuditEntry{At: at, Action: "sign-in", Who: who, Account: "news"}},
		{Kind: store.RecordStatus, Key: "99", Value: store.LocalStatus{ID: 99, Handle: "news", ObjectID: "o", ActivityID: "a", Visibility: "public", Text: "hi", Created: at}},
		{Kind: store.RecordDismissal, Handle: "news", Key: "5"},
		{Kind: store.RecordCleared, Key: "news", Value: uint64(3)},
		{Kind: store.RecordScheduledStatus, Key: "77", Value: store.ScheduledStatus{ID: 77, Handle: "news", ScheduledAt: at, Text: "later", Visibility: "public", Who: who, Created: at}},
		{Kind: store.RecordConversationMark, Handle: "news", Key: "12", Value: store.ConversationMark{Read: 12, Hidden: 11}},
		{Kind: store.RecordMarker, Handle: "news", Key: "notifications", Value: store.Marker{LastReadID: 9, Version: 2, Updated: at}},
	}
}

// TestImportDump: every kind of record imported reads back through Dump
// with the same hash (times to the microsecond), and importing again
// changes nothing.
func TestImportDump(t *testing.T) {
	s := open(t)
	recs := oneOfEach()
	want := map[string][32]byte{}
	for _, r := range recs {
		h, err := store.RecordHash(r)
		if err != nil {
			t.Fatal(err)
		}
		want[store.RecordKey(r)] = h
	}
	for range 2 {
		if err := s.Import(recs); err != nil {
			t.Fatal(err)
		}
		got := 0
		err := s.Dump(func(r store.Record) error {
			got++
			if h, err := store.RecordHash(r); err != nil || h != want[store.RecordKey(r)] {
				t.Errorf("%s %q %q read back as %#v (%v)", r.Kind, r.Handle, r.Key, r.Value, err)
			}
			return nil
		})
		if err != nil || got != len(recs) {
			t.Fatalf("Dump: %d records, %v; want %d", got, err, len(recs))
		}
	}
}
