package inbox_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// send posts body from a at time at and returns the status and Retry-After.
func send(ctx context.Context, t *testing.T, a *fedtest.Account, inbox string, body []byte, at time.Time) (int, string) {
	t.Helper()
	resp, err := a.Post(ctx, inbox, body, at, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

func (e *forgeEnv) likes(t *testing.T) int {
	t.Helper()
	_, n, err := e.h.Store().Interactions(e.post, "like", 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestInboxRejectsReplay: the very same signed request twice within its
// Date window is refused the second time; signed afresh it is accepted
// (and changes nothing, being the same activity).
func TestInboxRejectsReplay(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e := newForgeEnv(t, nil)
	body := e.like(t, e.alice, "r")
	req, err := e.alice.SignedPost(ctx, e.inbox, body, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{202, 401} {
		replay := req.Clone(ctx)
		replay.Body = io.NopCloser(bytes.NewReader(body))
		resp, err := http.DefaultClient.Do(replay)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("send %d: HTTP %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	if status, _ := send(ctx, t, e.alice, e.inbox, body, time.Now().Add(time.Second)); status != 202 {
		t.Fatalf("fresh signature: HTTP %d", status)
	}
	if n := e.likes(t); n != 1 {
		t.Fatalf("%d likes, want 1", n)
	}
}

// TestInboxBlocks: a follower on a domain blocked later is dropped when
// Herald starts with the block and is refused with 403; an actor block
// works the same way.
func TestInboxBlocks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e := newForgeEnv(t, nil)
	follow := apptest.MustJSON(t, map[string]any{"id": e.alice.ID() + "#follows/1", "type": "Follow", "actor": e.alice.ID(), "object": e.cfg.BaseURL + "/users/news"})
	if status, _ := send(ctx, t, e.alice, e.inbox, follow, time.Now()); status != 202 {
		t.Fatalf("follow: HTTP %d", status)
	}
	apptest.WantFollowers(t, e.h, 1)
	e.h.Stop()
	cfg := *e.cfg
	cfg.Inbox.BlockedDomains = []string{"127.0.0.1"}
	e.h = apptest.Start(t, &cfg, nil)
	apptest.WantFollowers(t, e.h, 0) // dropped at start
	if status, _ := send(ctx, t, e.alice, e.inbox, e.like(t, e.alice, "b"), time.Now()); status != 403 {
		t.Fatalf("blocked domain: HTTP %d, want 403", status)
	}
	e.h.Stop()
	cfg2 := cfg
	cfg2.Inbox.BlockedDomains = nil
	cfg2.Inbox.BlockedActors = []string{e.alice.ID()}
	e.h = apptest.Start(t, &cfg2, nil)
	if status, _ := send(ctx, t, e.alice, e.inbox, e.like(t, e.alice, "c"), time.Now()); status != 403 {
		t.Fatalf("blocked actor: HTTP %d, want 403", status)
	}
	if n := e.likes(t); n != 0 {
		t.Fatalf("blocked actor's like stored")
	}
}

// TestInboxRateLimit: a client over its burst gets 429 with Retry-After.
func TestInboxRateLimit(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e := newForgeEnv(t, func(c *config.Config) { c.Inbox.RateLimit, c.Inbox.RateBurst = 1, 3 })
	var statuses []int
	var retry string
	for i := range 5 {
		status, ra := send(ctx, t, e.alice, e.inbox, e.like(t, e.alice, strconv.Itoa(i)), time.Now().Add(time.Duration(i)*time.Second))
		statuses = append(statuses, status)
		if status == 429 {
			retry = ra
		}
	}
	if statuses[0] != 202 || statuses[4] != 429 {
		t.Fatalf("statuses %v: want 202 first, 429 last", statuses)
	}
	if n, err := strconv.Atoi(retry); err != nil || n < 1 {
		t.Fatalf("Retry-After %q", retry)
	}
}

// TestInboxKeyRotation: after the sender rotates its key, the cached key
// fails once, is fetched again, and the request is accepted.
func TestInboxKeyRotation(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e := newForgeEnv(t, nil)
	if status, _ := send(ctx, t, e.alice, e.inbox, e.like(t, e.alice, "1"), time.Now()); status != 202 {
		t.Fatalf("before rotation: HTTP %d", status)
	}
	if err := e.alice.RotateKey(); err != nil {
		t.Fatal(err)
	}
	undo := apptest.MustJSON(t, map[string]any{"id": e.alice.ID() + "#u", "type": "Undo", "actor": e.alice.ID(),
		"object": map[string]any{"id": e.alice.ID() + "#likes/1", "type": "Like", "actor": e.alice.ID(), "object": e.post}})
	if status, _ := send(ctx, t, e.alice, e.inbox, undo, time.Now()); status != 202 {
		t.Fatalf("after rotation: HTTP %d", status)
	}
	if n := e.likes(t); n != 0 {
		t.Fatalf("Undo after rotation not applied: %d likes", n)
	}
}

// TestInboxGoneActorDelete: a Delete of itself by an actor whose key is
// gone is accepted without a working key and erases its data; the same
// trick with a key path under a live actor is refused.
func TestInboxGoneActorDelete(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e := newForgeEnv(t, nil)
	bob, err := e.dir.Add("/users/bob", fedtest.StyleMastodon)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []*fedtest.Account{bob, e.alice} {
		if status, _ := send(ctx, t, a, e.inbox, e.like(t, a, "1"), time.Now()); status != 202 {
			t.Fatalf("like by %s: HTTP %d", a.ID(), status)
		}
	}
	bob.SetGone()
	del := func(a *fedtest.Account) []byte {
		return apptest.MustJSON(t, map[string]any{"id": a.ID() + "#delete", "type": "Delete", "actor": a.ID(), "object": a.ID()})
	}
	if status, _ := send(ctx, t, bob, e.inbox, del(bob), time.Now()); status != 202 {
		t.Fatalf("gone actor's Delete: HTTP %d", status)
	}
	if n := e.likes(t); n != 1 {
		t.Fatalf("%d likes after bob's Delete, want alice's only", n)
	}
	// Forged: a Delete of alice, signed with a key id under alice's path
	// that answers 404, while alice herself is alive.
	forged := func(r *http.Request) {
		r.Header.Set("Signature", replaceIn(e.mallory.KeyID(), e.alice.ID()+"/no-such-key")(r.Header.Get("Signature")))
	}
	resp, err := e.mallory.Post(ctx, e.inbox, del(e.alice), time.Now(), forged)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || e.likes(t) != 1 {
		t.Fatalf("forged Delete: HTTP %d, %d likes; want 401 and alice's like kept", resp.StatusCode, e.likes(t))
	}
}

// TestInboxBlocklistSubscription: a follower whose domain appears in the
// subscribed blocklist is dropped once the list is fetched, and refused.
func TestInboxBlocklistSubscription(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e := newForgeEnv(t, nil)
	follow := apptest.MustJSON(t, map[string]any{"id": e.alice.ID() + "#follows/1", "type": "Follow", "actor": e.alice.ID(), "object": e.cfg.BaseURL + "/users/news"})
	if status, _ := send(ctx, t, e.alice, e.inbox, follow, time.Now()); status != 202 {
		t.Fatalf("follow: HTTP %d", status)
	}
	apptest.WantFollowers(t, e.h, 1)
	list := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n127.0.0.1,suspend,false,false,test,false\n")
	}))
	defer list.Close()
	e.h.Stop()
	cfg := *e.cfg
	cfg.Inbox.BlocklistURL = list.URL
	e.h = apptest.Start(t, &cfg, nil)
	apptest.Eventually(t, 5*time.Second, "follower dropped", func() bool {
		n, _ := e.h.Store().FollowerCount("news")
		return n == 0
	})
	if status, _ := send(ctx, t, e.alice, e.inbox, e.like(t, e.alice, "x"), time.Now()); status != 403 {
		t.Fatalf("listed domain: HTTP %d, want 403", status)
	}
}
