package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"herald/actor"
	"herald/app"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
	"herald/pgtest"
	"herald/store"
	"herald/store/postgres"
)

// TestStoreCopy: a bbolt install made by a real Herald (see
// bboltInstall: followers, posts, a like, a relay, a delivery queued for
// a peer that is gone, and client API records) is copied into
// PostgreSQL; the check finds the same records; a second copy writes
// nothing; and a Herald started on the copy has the same followers,
// queue, relay and outbox, and serves the same public key.
func TestStoreCopy(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Herald and PostgreSQL")
	}
	cfg, actorDoc := bboltInstall(t)
	url := pgtest.Database(t)
	out := storeRun(t, exitOK, "copy", cfg.DataDir, url)
	if !strings.Contains(out, "holds the same records") {
		t.Fatalf("first copy:\n%s", out)
	}
	out = storeRun(t, exitOK, "copy", cfg.DataDir, url)
	if !strings.Contains(out, "Copied 0 records") || !strings.Contains(out, "holds the same records") {
		t.Errorf("second copy wrote again:\n%s", out)
	}
	t.Log(out)
	pg := *cfg
	pg.DatabaseURL = url
	h := apptest.Start(t, &pg, nil)
	defer h.Stop()
	followers, err := h.Store().Followers("news")
	if err != nil || len(followers) != 2 {
		t.Fatalf("followers on the copy: %v, %v", followers, err)
	}
	if pending, err := h.Store().PendingJobs(); err != nil || pending != 1 {
		t.Errorf("jobs on the copy: %d, %v; want the one to the dead inbox", pending, err)
	}
	if rs, err := h.Store().Relays(); err != nil || len(rs) != 1 || rs[0].State != store.RelayAccepted {
		t.Errorf("relays on the copy: %v, %v", rs, err)
	}
	got := apptest.GetJSON(t, actor.URLs{Base: cfg.BaseURL}.Actor("news"), "application/activity+json")
	if publicKey(got) == "" || publicKey(got) != publicKey(actorDoc) {
		t.Errorf("public key on the copy differs:\n%s\nwant\n%s", publicKey(got), publicKey(actorDoc))
	}
	entries, total, err := h.Store().Outbox("news", time.Time{}, 50)
	if err != nil || total == 0 || len(entries) != total {
		t.Errorf("outbox on the copy: %d of %d, %v", len(entries), total, err)
	}
}

// TestStoreCheckTampered: a row changed in the copy is reported by
// `herald store check` (exit 1), and a copy into it is refused.
func TestStoreCheckTampered(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Herald and PostgreSQL")
	}
	cfg, _ := bboltInstall(t)
	url := pgtest.Database(t)
	storeRun(t, exitOK, "copy", cfg.DataDir, url)
	conn := pgtest.Connect(t, url)
	if _, err := conn.Exec(context.Background(), "UPDATE followers SET inbox = 'https://elsewhere.example/inbox'"); err != nil {
		t.Fatal(err)
	}
	out := storeRun(t, exitFailed, "check", cfg.DataDir, url)
	if !strings.Contains(out, "follower ") || !strings.Contains(out, "≠") {
		t.Errorf("check of a tampered copy:\n%s", out)
	}
	out = storeRun(t, exitFailed, "copy", cfg.DataDir, url)
	if strings.Contains(out, "Copied") {
		t.Errorf("copy into a tampered database was not refused:\n%s", out)
	}
}

// TestStoreCopyResumes: a copy cut short (half the records written) is
// finished by running the copy again, which writes only the rest.
func TestStoreCopyResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Herald and PostgreSQL")
	}
	cfg, _ := bboltInstall(t)
	url := pgtest.Database(t)
	src, err := store.Open(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	var recs []store.Record
	err = src.Dump(func(r store.Record) error { recs = append(recs, r); return nil })
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	dst, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	half := len(recs) / 2
	err = dst.Import(recs[:half])
	dst.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := storeRun(t, exitOK, "copy", cfg.DataDir, url)
	want := fmt.Sprintf("Copied %d records (%d already in place)", len(recs)-half, half)
	if !strings.Contains(out, want) || !strings.Contains(out, "holds the same records") {
		t.Errorf("copy after one cut short: want %q in\n%s", want, out)
	}
}

// TestStoreCopyRefuses: no copy from a directory without a bbolt file,
// nor from a running Herald's; a database that does not answer is
// reported without its password.
func TestStoreCopyRefuses(t *testing.T) {
	const url = "postgres://herald:s3cret@127.0.0.1:1/herald?connect_timeout=2"
	out := storeRun(t, exitFailed, "copy", t.TempDir(), url)
	if !strings.Contains(out, "no such file") {
		t.Errorf("copy from an empty directory:\n%s", out)
	}
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	out = storeRun(t, exitFailed, "copy", dir, url)
	if !strings.Contains(out, "stop it first") {
		t.Errorf("copy from an open store:\n%s", out)
	}
	st.Close()
	out = storeRun(t, exitFailed, "copy", dir, url)
	if strings.Contains(out, "s3cret") || !strings.Contains(out, "--to") {
		t.Errorf("copy to a database that does not answer:\n%s", out)
	}
}

// storeRun runs `herald store sub --from dir --to url`, wants exit code
// want, and returns what it printed.
func storeRun(t *testing.T, want int, sub, dir, url string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run([]string{"store", sub, "--from", dir, "--to", url}, &out, &errOut); code != want {
		t.Fatalf("herald store %s: exit %d, want %d\n%s%s", sub, code, want, out.String(), errOut.String())
	}
	return out.String() + errOut.String()
}

// bboltInstall runs Herald on bbolt with a relay (which accepts), two
// fedtest followers (alice likes a post; bob's server is then gone, so
// the next post stays queued for it, retried in an hour), then stops it
// and adds the records of addOtherRecords. It returns the config and the
// actor document Herald served.
func bboltInstall(t *testing.T) (*config.Config, map[string]any) {
	t.Helper()
	ctx := context.Background()
	relay, err := fedtest.NewRelay(fedtest.RelayOptions{Software: fedtest.ActivityRelay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(relay.Close)
	fixture := apptest.Fixture(t, "1-published.feed.rss.xml")
	feed := apptest.NewFeedServer(t, fixture)
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	cfg.Relays = []string{relay.SubscribeURL()}
	h := apptest.Start(t, cfg, func(o *app.Options) { o.RetryDelay = func(int) time.Duration { return time.Hour } })
	urls := actor.URLs{Base: cfg.BaseURL}
	apptest.Eventually(t, 5*time.Second, "first poll and the relay's Accept", func() bool {
		st, _ := h.Store().FeedState("news")
		rs, _ := h.Store().Relays()
		return st.Initialised && len(rs) == 1 && rs[0].State == store.RelayAccepted
	})
	alice, bob := apptest.NewPeer(t), apptest.NewPeer(t)
	apptest.Follow(ctx, t, cfg.BaseURL, alice)
	apptest.Follow(ctx, t, cfg.BaseURL, bob)
	bob.Close()
	like := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": alice.ActorID() + "#likes/1",
		"type": "Like", "actor": alice.ActorID(), "object": newestPost(t, h.Store())}
	apptest.PostStatus(ctx, t, alice, urls.Inbox("news"), like, http.StatusAccepted)
	feed.Set(apptest.WithItem(fixture, "copy-1", "New", "A post for the queue"))
	apptest.Eventually(t, 10*time.Second, "a failed delivery to bob", func() bool {
		hosts, _ := h.Store().Hosts()
		return len(hosts) == 1
	})
	doc := apptest.GetJSON(t, urls.Actor("news"), "application/activity+json")
	h.Stop()
	st := apptest.Reopen(t, h)
	addOtherRecords(t, st)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return h.Config(), doc
}

// newestPost is the id of the object of the newest activity in news's
// outbox.
func newestPost(t *testing.T, st apptest.Store) string {
	t.Helper()
	entries, _, err := st.Outbox("news", time.Time{}, 1)
	if err != nil || len(entries) == 0 {
		t.Fatalf("outbox: %v, %v", entries, err)
	}
	var a struct {
		Object struct {
			ID string `json:"id"`
		} `json:"object"`
	}
	if err := json.Unmarshal(entries[0].Activity, &a); err != nil || a.Object.ID == "" {
		t.Fatalf("outbox entry %s: %v", entries[0].Activity, err)
	}
	return a.Object.ID
}

// addOtherRecords adds a record of each kind that the Herald of
// bboltInstall did not make: client API records, a pause, a ping, a
// report.
func addOtherRecords(t *testing.T, st *store.Store) {
	t.Helper()
	now := time.Now()
	who := store.Principal{Kind: "user", Name: "ann"}
	for _, err := range []error{
		st.AddWebcareUser(store.WebcareUser{Name: "ann", Handle: "news", PasswordHash: []byte("hash"), Created: now}),
		st.AddAudit(store.AuditEntry{At: now, Action: "sign-in", Who: who, Account: "news"}),
		st.PutOAuthToken(bytes.Repeat([]byte{7}, 32), store.OAuthToken{ClientID: "app", Handle: "news", Who: who, Scopes: []string{"read"}, Created: now}),
		st.DismissNotification("news", 5),
		st.ClearNotifications("news", 3),
		st.SetPaused("news", true, now),
		st.RecordPing("news", store.Ping{At: now, Via: "api", Source: "https://example.org/"}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.AddFlag(store.Flag{ID: "https://peer.example/flags/1", Actor: "https://peer.example/actor", Received: now}); err != nil {
		t.Fatal(err)
	}
}

func publicKey(doc map[string]any) string {
	pk, _ := doc["publicKey"].(map[string]any)
	pem, _ := pk["publicKeyPem"].(string)
	return pem
}
