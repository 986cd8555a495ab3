package delivery_test

import (
	"context"
	"crypto"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"herald/actor"
	"herald/apptest"
	"herald/config"
	"herald/signature"
	"herald/store"
)

// modernInbox is a peer that accepts only RFC 9421 signatures: a request
// without Signature-Input gets 401 with Accept-Signature, as RFC 9421 §5.1
// describes; a signed one is verified against the sender's published key.
type modernInbox struct {
	*httptest.Server
	mu       sync.Mutex
	schemes  []string // "cavage" or "rfc9421", per request
	verified int
}

func newModernInbox(t *testing.T) *modernInbox {
	m := &modernInbox{}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.Close)
	return m
}

func (m *modernInbox) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	scheme := "cavage"
	if r.Header.Get("Signature-Input") != "" {
		scheme = "rfc9421"
	}
	m.mu.Lock()
	m.schemes = append(m.schemes, scheme)
	m.mu.Unlock()
	if scheme == "cavage" {
		w.Header().Set("Accept-Signature", `sig1=("@method" "@target-uri" "content-digest");alg="rsa-v1_5-sha256"`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if _, err := signature.VerifyRequest(r.Context(), r, body, fetchPublicKey, signature.VerifyOptions{Origin: m.URL}); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	m.mu.Lock()
	m.verified++
	m.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// fetchPublicKey resolves a Herald key id by fetching the actor unsigned.
func fetchPublicKey(ctx context.Context, keyID string) (crypto.PublicKey, string, error) {
	actorURL, _, _ := strings.Cut(keyID, "#")
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, actorURL, nil)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	var doc struct {
		PublicKey struct{ Owner, PublicKeyPem string } `json:"publicKey"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return nil, "", err
	}
	pub, err := actor.ParsePublicKeyPEM(doc.PublicKey.PublicKeyPem)
	return pub, doc.PublicKey.Owner, err
}

// TestDeliveryFallsBackToRFC9421: a peer that refuses draft-cavage with a
// 401 and Accept-Signature gets the delivery again at once, signed the RFC
// 9421 way; Herald remembers and signs that way for the host from then on.
func TestDeliveryFallsBackToRFC9421(t *testing.T) {
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	peer := newModernInbox(t)
	f := store.Follower{ID: peer.URL + "/users/bob", Inbox: peer.URL + "/users/bob/inbox", FollowID: peer.URL + "/f/1", Since: time.Now()}
	if _, err := h.Store().ImportFollowers("news", []store.Follower{f}); err != nil {
		t.Fatal(err)
	}
	feed.Set(apptest.WithItem(apptest.Fixture(t, "1-published.feed.rss.xml"), "901", "Eerste", "Een."))
	apptest.Eventually(t, 10*time.Second, "the first delivery", func() bool { peer.mu.Lock(); defer peer.mu.Unlock(); return peer.verified == 1 })
	feed.Set(apptest.WithItem(apptest.WithItem(apptest.Fixture(t, "1-published.feed.rss.xml"), "901", "Eerste", "Een."), "902", "Tweede", "Twee."))
	apptest.Eventually(t, 10*time.Second, "the second delivery", func() bool { peer.mu.Lock(); defer peer.mu.Unlock(); return peer.verified == 2 })
	peer.mu.Lock()
	defer peer.mu.Unlock()
	if got := strings.Join(peer.schemes, " "); got != "cavage rfc9421 rfc9421" {
		t.Fatalf("signature schemes seen: %s, want cavage rfc9421 rfc9421", got)
	}
}
