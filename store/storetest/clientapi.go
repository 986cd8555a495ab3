package storetest

import (
	"crypto/sha256"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"herald/store"
)

// clientAPIChecks cover the records of the Mastodon client API: apps,
// codes, tokens, users, the audit log, and the outbox read both ways.
var clientAPIChecks = []check{
	{"OAuthApp", checkOAuthApp},
	{"RedeemOAuthCode", checkRedeemOAuthCode},
	{"RevokeOAuthToken", checkRevokeOAuthToken},
	{"WebcareUsers", checkWebcareUsers},
	{"Audit", checkAudit},
	{"OutboxBetween", checkOutboxBetween},
}

// hashOf is the SHA-256 of s, as codes and tokens are stored.
func hashOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func checkOAuthApp(t *testing.T, b Backend) {
	app := store.OAuthApp{ID: "1", ClientID: "client", SecretHash: hashOf("secret"), Name: "Elk",
		RedirectURIs: []string{"https://elk.zone/callback"}, Scopes: []string{"read", "write"}, Created: t0}
	if err := b.PutOAuthApp(app); err != nil {
		t.Fatal(err)
	}
	got, err := b.OAuthApp("client")
	if err != nil || got.Name != "Elk" || !slices.Equal(got.Scopes, app.Scopes) || !got.Created.Equal(t0) {
		t.Errorf("store.OAuthApp = %+v, %v", got, err)
	}
	if _, err := b.OAuthApp("other"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown app: %v, want ErrNotFound", err)
	}
}

// checkRedeemOAuthCode: a code gives one token; a refused exchange leaves
// it usable and stores no token; expired codes are dropped when new ones
// come.
func checkRedeemOAuthCode(t *testing.T, b Backend) {
	who := store.Principal{Kind: store.PrincipalUser, Name: "alice"}
	code := store.OAuthCode{ClientID: "client", Handle: "news", Who: who, Scopes: []string{"read"}, Created: t0, Expires: t0.Add(10 * time.Minute)}
	if err := b.PutOAuthCode(hashOf("code"), code, t0); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("wrong verifier")
	err := b.RedeemOAuthCode(hashOf("code"), func(store.OAuthCode) ([]byte, store.OAuthToken, error) { return nil, store.OAuthToken{}, refused })
	if !errors.Is(err, refused) {
		t.Fatalf("refused exchange: %v", err)
	}
	if _, err := b.OAuthToken(hashOf("token")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused exchange stored a token: %v", err)
	}
	err = b.RedeemOAuthCode(hashOf("code"), func(c store.OAuthCode) ([]byte, store.OAuthToken, error) {
		return hashOf("token"), store.OAuthToken{ClientID: c.ClientID, Handle: c.Handle, Who: c.Who, Scopes: c.Scopes, Created: t0}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := b.OAuthToken(hashOf("token"))
	if err != nil || tok.Handle != "news" || tok.Who != who {
		t.Errorf("token = %+v, %v", tok, err)
	}
	err = b.RedeemOAuthCode(hashOf("code"), func(store.OAuthCode) ([]byte, store.OAuthToken, error) {
		return hashOf("token2"), store.OAuthToken{}, nil
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second exchange: %v, want ErrNotFound", err)
	}

	if err := b.PutOAuthCode(hashOf("old"), code, t0); err != nil {
		t.Fatal(err)
	}
	if err := b.PutOAuthCode(hashOf("new"), code, t0.Add(11*time.Minute)); err != nil {
		t.Fatal(err)
	}
	err = b.RedeemOAuthCode(hashOf("old"), func(store.OAuthCode) ([]byte, store.OAuthToken, error) { return hashOf("t3"), store.OAuthToken{}, nil })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired code still there: %v", err)
	}
}

func checkRevokeOAuthToken(t *testing.T, b Backend) {
	if err := b.PutOAuthToken(hashOf("token"), store.OAuthToken{ClientID: "client", Handle: "news", Scopes: []string{"read"}, Created: t0}); err != nil {
		t.Fatal(err)
	}
	if err := b.TouchOAuthToken(hashOf("token"), t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := b.RevokeOAuthToken(hashOf("token"), "other", t0); !errors.Is(err, store.ErrNotOwner) {
		t.Errorf("revoke by another client: %v, want ErrNotOwner", err)
	}
	if err := b.RevokeOAuthToken(hashOf("nothing"), "client", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoke unknown: %v, want ErrNotFound", err)
	}
	for range 2 { // idempotent
		if err := b.RevokeOAuthToken(hashOf("token"), "client", t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := b.OAuthToken(hashOf("token"))
	if err != nil || !tok.Revoked.Equal(t0.Add(2*time.Hour)) || !tok.LastUsed.Equal(t0.Add(time.Hour)) {
		t.Errorf("revoked token = %+v, %v", tok, err)
	}
}

func checkWebcareUsers(t *testing.T, b Backend) {
	alice := store.WebcareUser{Name: "alice", Handle: "news", PasswordHash: []byte("$2a$hash"), Created: t0}
	if err := b.AddWebcareUser(alice); err != nil {
		t.Fatal(err)
	}
	if err := b.AddWebcareUser(store.WebcareUser{Name: "alice", Handle: "weather", PasswordHash: []byte("x")}); !errors.Is(err, store.ErrExists) {
		t.Errorf("second alice: %v, want ErrExists", err)
	}
	if err := b.AddWebcareUser(store.WebcareUser{Name: "bob", Handle: "news", PasswordHash: []byte("y"), Created: t0}); err != nil {
		t.Fatal(err)
	}
	who := store.Principal{Kind: store.PrincipalUser, Name: "alice"}
	if err := b.PutOAuthToken(hashOf("a"), store.OAuthToken{ClientID: "c", Handle: "news", Who: who, Created: t0}); err != nil {
		t.Fatal(err)
	}
	if err := b.PutOAuthToken(hashOf("b"), store.OAuthToken{ClientID: "c", Handle: "news", Who: store.Principal{Kind: store.PrincipalUser, Name: "bob"}, Created: t0}); err != nil {
		t.Fatal(err)
	}
	if err := b.PutOAuthCode(hashOf("code"), store.OAuthCode{ClientID: "c", Who: who, Expires: t0.Add(time.Hour)}, t0); err != nil {
		t.Fatal(err)
	}
	if u, err := b.WebcareUser("alice"); err != nil || u.Handle != "news" || string(u.PasswordHash) != "$2a$hash" {
		t.Errorf("store.WebcareUser = %+v, %v", u, err)
	}
	if n, err := b.RemoveWebcareUser("alice", t0.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("RemoveWebcareUser = %d, %v; want 1 token revoked", n, err)
	}
	if tok, _ := b.OAuthToken(hashOf("a")); tok.Revoked.IsZero() {
		t.Error("alice's token survived her removal")
	}
	if tok, _ := b.OAuthToken(hashOf("b")); !tok.Revoked.IsZero() {
		t.Error("bob's token was revoked with alice")
	}
	err := b.RedeemOAuthCode(hashOf("code"), func(store.OAuthCode) ([]byte, store.OAuthToken, error) { return hashOf("c"), store.OAuthToken{}, nil })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("alice's pending code survived her removal: %v", err)
	}
	users, err := b.WebcareUsers()
	if err != nil || len(users) != 1 || users[0].Name != "bob" {
		t.Errorf("WebcareUsers = %+v, %v", users, err)
	}
	if _, err := b.RemoveWebcareUser("alice", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removing alice twice: %v", err)
	}
}

func checkAudit(t *testing.T, b Backend) {
	for i, name := range []string{"alice", "bob", "carol"} {
		e := store.AuditEntry{At: t0.Add(time.Duration(i/2) * time.Minute), Action: store.AuditSignIn, Who: store.Principal{Kind: store.PrincipalUser, Name: name}, Account: "news", App: "Elk"}
		if err := b.AddAudit(e); err != nil {
			t.Fatal(err)
		}
	}
	all, err := b.Audit(time.Time{}, 10)
	if err != nil || len(all) != 3 || all[0].Who.Name != "carol" || all[2].Who.Name != "alice" {
		t.Fatalf("Audit = %+v, %v; want carol, bob, alice", all, err)
	}
	older, err := b.Audit(t0.Add(time.Minute), 10)
	if err != nil || len(older) != 2 || older[0].Who.Name != "bob" {
		t.Errorf("Audit before carol = %+v, %v", older, err)
	}
	if one, _ := b.Audit(time.Time{}, 1); len(one) != 1 {
		t.Errorf("limit 1 gave %d", len(one))
	}
	reply := store.AuditEntry{At: t0.Add(time.Hour), Action: store.AuditReply, Who: store.Principal{Kind: store.PrincipalUser, Name: "dave"},
		Account: "news", App: "Elk", ClientID: "c", Object: postA + "/1", InReplyTo: "https://remote.example/notes/1", Visibility: store.VisibilityDirect}
	if err := b.AddAudit(reply); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Audit(time.Time{}, 1); err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], reply) {
		t.Errorf("Audit of a reply = %+v, %v; want %+v", got, err, reply)
	}
}

func checkOutboxBetween(t *testing.T, b Backend) {
	ats := []time.Time{t0, t0.Add(time.Minute), t0.Add(2 * time.Minute), t0.Add(3 * time.Minute)}
	ids := fillOutbox(t, b, ats)
	for _, tt := range []struct {
		name          string
		after, before time.Time
		oldestFirst   bool
		limit         int
		want          []string
	}{
		{"all, newest first", time.Time{}, time.Time{}, false, 10, []string{ids[3], ids[2], ids[1], ids[0]}},
		{"all, oldest first", time.Time{}, time.Time{}, true, 10, []string{ids[0], ids[1], ids[2], ids[3]}},
		{"both bounds exclusive", ats[0], ats[3], false, 10, []string{ids[2], ids[1]}},
		{"both bounds exclusive, oldest first", ats[0], ats[3], true, 10, []string{ids[1], ids[2]}},
		{"after only, oldest first, limit", ats[0], time.Time{}, true, 1, []string{ids[1]}},
		{"after only, newest first", ats[1], time.Time{}, false, 10, []string{ids[3], ids[2]}},
		{"before only", time.Time{}, ats[1], false, 10, []string{ids[0]}},
		{"empty range", ats[1], ats[2], true, 10, nil},
		{"after the newest", ats[3], time.Time{}, true, 10, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := b.OutboxBetween("blog", tt.after, tt.before, tt.oldestFirst, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := activityIDs(t, entries); !slices.Equal(got, tt.want) {
				t.Errorf("OutboxBetween = %v, want %v", got, tt.want)
			}
		})
	}
	if entries, err := b.OutboxBetween("nobody", time.Time{}, time.Time{}, false, 10); err != nil || entries != nil {
		t.Errorf("unknown account: %v, %v", entries, err)
	}
}
