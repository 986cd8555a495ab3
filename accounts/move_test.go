package accounts_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"herald/app"
	"herald/apptest"
	"herald/fedtest"
	"herald/outbound"
	"herald/store"
)

// TestMove moves a followed account to another one, as `herald move` does
// (Herald stopped), and checks that the follower gets a signed Move after
// the restart, and that the old actor keeps answering, naming the new one.
func TestMove(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, _, alice, urls := apptest.Followed(ctx, t, nil)
	var aliases atomic.Value // []string: the new account's alsoKnownAs
	aliases.Store([]string{urls.Actor("news")})
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		self := "http://" + r.Host + r.URL.Path
		w.Header().Set("Content-Type", "application/activity+json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"@context": "https://www.w3.org/ns/activitystreams", "id": self, "type": "Service",
			"inbox": self + "/inbox", "alsoKnownAs": aliases.Load(),
		})
	}))
	t.Cleanup(target.Close)
	h.Stop()

	st, err := store.Open(h.Config().DataDir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := app.New(app.Options{Config: h.Config(), Store: st, Logger: apptest.Logger(t), Version: "test",
		Client: outbound.NewClient(outbound.Options{AllowPrivate: true, Timeout: time.Second})})
	if err != nil {
		t.Fatal(err)
	}
	newID := target.URL + "/users/new"
	aliases.Store([]string{})
	if _, err := b.Move(ctx, "news", newID); err == nil || !strings.Contains(err.Error(), "alsoKnownAs") {
		t.Errorf("Move to an account without the alias: %v", err)
	}
	aliases.Store([]string{urls.Actor("news")})
	for _, bad := range []struct{ handle, target string }{{"nobody", newID}, {"news", "acct:new@example.org"}} {
		if _, err := b.Move(ctx, bad.handle, bad.target); err == nil {
			t.Errorf("Move(%s, %s) succeeded", bad.handle, bad.target)
		}
	}
	n, err := b.Move(ctx, "news", newID)
	if err != nil || n != 1 {
		t.Fatalf("Move: %d queued, %v", n, err)
	}
	if _, err := b.Move(ctx, "news", target.URL+"/users/other"); err == nil || !strings.Contains(err.Error(), "already moved") {
		t.Errorf("second Move elsewhere: %v", err)
	}
	st.Close()

	apptest.Start(t, h.Config(), nil)
	move := apptest.WaitVerified(ctx, t, alice, "Move", func(fedtest.Delivery) bool { return true })
	if move.Activity["object"] != urls.Actor("news") || move.Activity["target"] != newID || move.Activity["actor"] != urls.Actor("news") {
		t.Errorf("Move = %v", move.Activity)
	}
	a := apptest.GetJSON(t, urls.Actor("news"), "application/activity+json")
	if a["movedTo"] != newID || a["id"] != urls.Actor("news") {
		t.Errorf("old actor: id %v, movedTo %v", a["id"], a["movedTo"])
	}
	if doc := apptest.GetJSON(t, urls.Move("news"), "application/activity+json"); doc["type"] != "Move" {
		t.Errorf("GET %s: %v", urls.Move("news"), doc)
	}
}
