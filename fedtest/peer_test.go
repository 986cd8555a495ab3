package fedtest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// newTestPeer starts a Peer in style, closed at the test's end.
func newTestPeer(t *testing.T, style Style) *Peer {
	t.Helper()
	p, err := NewPeer(style)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// alter returns a tamper that rewrites a header after signing.
func alter(name string, edit func(string) string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set(name, edit(r.Header.Get(name))) }
}

// receiveCase is one POST to a peer, from an account of the senders
// ("" is the user, "carol" signs RFC 9421, "gareth" labels hs2019), Date
// at now plus at, changed after signing by tamper.
type receiveCase struct {
	name        string
	style       Style
	from        string
	at          time.Duration
	tamper      func(*http.Request)
	wantStatus  int
	wantProblem string // "" means verified
}

var (
	otherHost = func(r *http.Request) { r.Host = "elsewhere.example" }
	badSig    = alter("Signature", func(s string) string { return strings.Replace(s, `signature="`, `signature="AAAA`, 1) })
)

// receiveCases are POSTs each server's rules take or refuse.
var receiveCases = []receiveCase{
	{"mastodon: Akkoma's POST", StyleMastodon, "", 0, nil, 202, ""},
	{"mastodon: Date two hours old", StyleMastodon, "", -2 * time.Hour, nil, 401, "window"},
	{"mastodon: digest not signed", StyleMastodon, "", 0, alter("Signature", func(s string) string { return strings.Replace(s, " digest", "", 1) }), 401, "not signed: digest"},
	{"mastodon: digest of another body", StyleMastodon, "", 0, alter("Digest", func(string) string { return "SHA-256=AAAA" }), 401, "Digest"},
	{"mastodon 4.4: RFC 9421", StyleMastodon, "carol", 0, nil, 401, "does not verify"},
	{"mastodon 4.5: RFC 9421", StyleMastodon45, "carol", 0, nil, 202, ""},
	{"mastodon 4.5: RFC 9421, Content-Digest of another body", StyleMastodon45, "carol", 0,
		alter("Content-Digest", func(string) string { return "sha-256=:AAAA:" }), 401, "Content-Digest"},
	{"mastodon 4.5: RFC 9421, signature altered", StyleMastodon45, "carol", 0, alter("Signature", func(s string) string { return strings.Replace(s, ":", ":AAAA", 1) }), 401, "does not verify"},
	{"misskey: Akkoma's POST", StyleMisskey, "", 0, nil, 202, ""},
	{"misskey: Date six minutes old", StyleMisskey, "", -6 * time.Minute, nil, 401, "window"},
	{"misskey: Host not its own", StyleMisskey, "", 0, otherHost, 401, "Host"},
	{"misskey: bad signature, found after the answer", StyleMisskey, "", 0, badSig, 202, "does not verify"},
	{"akkoma: Akkoma's POST", StyleAkkoma, "", 0, nil, 200, ""},
	{"akkoma: Host not its own", StyleAkkoma, "", 0, otherHost, 400, "Host"},
	{"akkoma: bad signature", StyleAkkoma, "", 0, badSig, 400, "does not verify"},
	{"friendica: hs2019", StyleFriendica, "gareth", 0, nil, 401, "algorithm"},
	{"friendica: Date six minutes ahead", StyleFriendica, "", 6 * time.Minute, nil, 401, "window"},
	{"gotosocial: Content-Type text/plain", StyleGoToSocial, "", 0, alter("Content-Type", func(string) string { return "text/plain" }), 406, "Content-Type"},
	{"gotosocial: Akkoma's POST", StyleGoToSocial, "", 0, nil, 202, ""},
	{"pixelfed: Date a day and an hour old", StylePixelfed, "", -25 * time.Hour, nil, 200, "window"},
	{"pixelfed: bad signature, found after the answer", StylePixelfed, "", 0, badSig, 200, "does not verify"},
}

// TestPeerReceiveRules sends a Follow, signed by accounts of another
// server, to peers of each style, well formed or broken the way each
// server's rules refuse, and checks the answer and what the peer recorded.
func TestPeerReceiveRules(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Akkoma signs Host with the port, which Misskey and Akkoma require.
	senders := newTestPeer(t, StyleAkkoma)
	from := map[string]*Account{"": senders.User}
	var err error
	if from["carol"], err = senders.Add("/users/carol", StyleRFC9421); err != nil {
		t.Fatal(err)
	}
	hs2019 := named(StyleAkkoma, "hs2019-sender")
	hs2019.Algorithm = "hs2019"
	if from["gareth"], err = senders.Add("/users/gareth", hs2019); err != nil {
		t.Fatal(err)
	}
	for _, tt := range receiveCases {
		t.Run(tt.name, func(t *testing.T) {
			p := newTestPeer(t, tt.style)
			a := from[tt.from]
			body, _ := json.Marshal(map[string]any{"id": a.ID() + "/follows/1", "type": "Follow", "actor": a.ID(), "object": p.User.ID()})
			resp, err := a.Post(ctx, p.User.Inbox(), body, time.Now().Add(tt.at), tt.tamper)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := p.Deliveries()
			if resp.StatusCode != tt.wantStatus || len(got) != 1 {
				t.Fatalf("HTTP %d and %d deliveries, want %d and 1", resp.StatusCode, len(got), tt.wantStatus)
			}
			if d := got[0]; d.Verified != (tt.wantProblem == "") || !strings.Contains(d.Problem, tt.wantProblem) {
				t.Fatalf("verified %t, problem %q; want problem %q", d.Verified, d.Problem, tt.wantProblem)
			}
		})
	}
}

// TestPeerKeyFetch: Akkoma refuses a key whose fetch was redirected, and
// every peer refuses a key its actor does not publish under that id.
func TestPeerKeyFetch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sender := newTestPeer(t, StyleMastodon)
	redirect := httptest.NewServer(http.RedirectHandler(sender.User.ID(), http.StatusFound))
	defer redirect.Close()
	akkoma := newTestPeer(t, StyleAkkoma)
	if _, err := akkoma.key(ctx, redirect.URL+"/users/alice#main-key", false); err == nil || !strings.Contains(err.Error(), "HTTP 302") {
		t.Errorf("Akkoma took a redirected key: %v", err)
	}
	mastodon := newTestPeer(t, StyleMastodon)
	if _, err := mastodon.key(ctx, sender.User.ID()+"#other-key", false); err == nil || !strings.Contains(err.Error(), "publishes key") {
		t.Errorf("Mastodon took a key the actor does not publish: %v", err)
	}
	if _, err := mastodon.key(ctx, sender.User.KeyID(), false); err != nil {
		t.Errorf("Mastodon refused a good key: %v", err)
	}
}

// TestUnsignedActorStripped: a style with UnsignedFields gives an
// unsigned GET of an actor only those fields, a signed one all.
func TestUnsignedActorStripped(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	secure := newTestPeer(t, StyleMastodonSecure)
	resp, err := http.Get(secure.User.ID())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var unsigned map[string]any
	_ = json.Unmarshal(raw, &unsigned)
	if unsigned["outbox"] != nil || unsigned["followers"] != nil || unsigned["inbox"] == nil || unsigned["publicKey"] == nil {
		t.Errorf("unsigned GET: %s", raw)
	}
	reader := newTestPeer(t, StyleMastodon)
	status, signed, err := reader.Fetch(ctx, secure.User.ID())
	if err != nil || status != http.StatusOK || signed["outbox"] == nil {
		t.Errorf("signed GET: HTTP %d %v %v", status, signed, err)
	}
}
