package intake_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/fedtest"
)

// testHub is a small WebSub hub (W3C WebSub 1.0): it verifies each
// subscription's intent at the callback, and on a publisher's ping fetches
// the topic and pushes it, signed with each subscriber's secret.
type testHub struct {
	*httptest.Server
	t     testing.TB
	lease int // lease_seconds granted
	mu    sync.Mutex
	subs  map[string]map[string]string // topic → callback → secret
	asked int                          // subscription requests
}

func newTestHub(t testing.TB, lease int) *testHub {
	h := &testHub{t: t, lease: lease, subs: map[string]map[string]string{}}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.Close)
	return h
}

func (h *testHub) requests() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.asked
}

func (h *testHub) subscribers(topic string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[topic])
}

func (h *testHub) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	topic := r.PostForm.Get("hub.topic")
	switch r.PostForm.Get("hub.mode") {
	case "subscribe":
		h.mu.Lock()
		h.asked++
		h.mu.Unlock()
		callback, secret := r.PostForm.Get("hub.callback"), r.PostForm.Get("hub.secret")
		if callback == "" || topic == "" || secret == "" {
			http.Error(w, "callback, topic and secret required", http.StatusBadRequest)
			return
		}
		go h.verify(topic, callback, secret)
		w.WriteHeader(http.StatusAccepted)
	case "publish":
		h.publish(r.PostForm.Get("hub.url"))
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "unknown mode", http.StatusBadRequest)
	}
}

// verify asks the subscriber to echo a challenge, as WebSub 5.3 says.
func (h *testHub) verify(topic, callback, secret string) {
	challenge := make([]byte, 8)
	_, _ = rand.Read(challenge)
	q := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic},
		"hub.challenge": {hex.EncodeToString(challenge)}, "hub.lease_seconds": {strconv.Itoa(h.lease)}}
	resp, err := http.Get(callback + "?" + q.Encode())
	if err != nil {
		h.t.Logf("hub verify: %v", err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != hex.EncodeToString(challenge) {
		h.t.Logf("hub verify: HTTP %d %q", resp.StatusCode, body)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[topic] == nil {
		h.subs[topic] = map[string]string{}
	}
	h.subs[topic][callback] = secret
}

// publish fetches topic and pushes it to every subscriber.
func (h *testHub) publish(topic string) {
	resp, err := http.Get(topic)
	if err != nil {
		h.t.Errorf("hub fetch: %v", err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	h.mu.Lock()
	subs := map[string]string{}
	for cb, secret := range h.subs[topic] {
		subs[cb] = secret
	}
	h.mu.Unlock()
	for callback, secret := range subs {
		if code := push(h.t, callback, body, sign(body, secret)); code/100 != 2 {
			h.t.Errorf("push to %s: HTTP %d", callback, code)
		}
	}
}

// sign is the X-Hub-Signature of body.
func sign(body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// push POSTs body to a subscriber's callback with signature (none if "").
func push(t testing.TB, callback string, body []byte, signature string) int {
	req, _ := http.NewRequest(http.MethodPost, callback, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/rss+xml")
	if signature != "" {
		req.Header.Set("X-Hub-Signature", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("push: %v", err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestWebSubPush: a feed that advertises a hub is subscribed to (intent
// verified, secret given); a publisher's ping reaches the follower through
// hub and Herald without waiting for a poll; unsigned and wrongly signed
// pushes are rejected; the lease is renewed before it runs out.
func TestWebSubPush(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	hub := newTestHub(t, 4) // a 4 s lease: renewed after about 3.6 s
	s := newSite(t)
	s.hub = hub.URL + "/"
	s.set(s.fixture(t, "1-published.feed.rss.xml"), `"v1"`)
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: s.URL + "/feed/"})
	cfg.PushPollInterval = config.Duration(time.Hour)
	h := apptest.Start(t, cfg, nil)
	topic := s.URL + "/feed/"
	apptest.Eventually(t, 10*time.Second, "the subscription verified", func() bool { return hub.subscribers(topic) == 1 })
	health, _ := h.App().FeedHealth("news")
	if health.Hub != hub.URL+"/" || health.HubState != "active" {
		t.Fatalf("health %+v", health)
	}
	// Once the subscription is active, polls slow down to the safety poll.
	fetches, _ := s.counts()
	apptest.Eventually(t, 5*time.Second, "the poll that sees the subscription", func() bool { n, _ := s.counts(); return n > fetches })
	alice := follower(ctx, t, h)
	fetches, _ = s.counts()

	urls := actor.URLs{Base: cfg.BaseURL}
	feed := apptest.WithItem(s.fixture(t, "1-published.feed.rss.xml"), "101", "Via de hub", "Direct bezorgd.")
	feed = bytes.ReplaceAll(feed, []byte("http://127.0.0.1:8081/101/"), []byte(s.URL+"/101/"))
	feed = bytes.ReplaceAll(feed, []byte("http://127.0.0.1:8081/?p=101"), []byte(s.URL+"/?p=101"))
	s.set(feed, `"v2"`)
	pinged := time.Now()
	resp, err := http.PostForm(hub.URL+"/", url.Values{"hub.mode": {"publish"}, "hub.url": {topic}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	p101 := urls.Object("news", s.URL+"/?p=101")
	apptest.WaitVerified(ctx, t, alice, "Create", func(d fedtest.Delivery) bool { return d.Object()["id"] == p101 })
	t.Logf("publisher ping → delivery: %s", time.Since(pinged))
	if n, _ := s.counts(); n != fetches+1 { // the hub's fetch only
		t.Errorf("feed fetched %d times during the push (want only the hub's one)", n-fetches)
	}

	// Forged pushes change nothing.
	forged := apptest.WithItem(feed, "102", "Vervalst", "Niet van de hub.")
	p102 := urls.Object("news", "http://127.0.0.1:8081/?p=102")
	callback := cfg.BaseURL + "/websub/news"
	for name, sig := range map[string]string{"unsigned": "", "wrong secret": sign(forged, "guess"), "garbage": "sha256=zz"} {
		if code := push(t, callback, forged, sig); code != http.StatusForbidden {
			t.Errorf("%s push: HTTP %d, want 403", name, code)
		}
	}
	if _, err := h.Store().Document(p102); err == nil {
		t.Error("a forged push was published")
	}

	// The lease is renewed before it runs out.
	apptest.Eventually(t, 10*time.Second, "the lease renewed", func() bool { return hub.requests() >= 2 })
	apptest.Eventually(t, 5*time.Second, "the renewal verified", func() bool {
		health, _ := h.App().FeedHealth("news")
		return health.HubState == "active" && time.Until(health.LeaseUntil) > 2*time.Second
	})
}
