package store

import (
	"crypto/sha256"
	"errors"
	"slices"
	"testing"
	"time"
)

func hashOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func TestOAuthApp(t *testing.T) {
	db := openTestDB(t)
	app := OAuthApp{ID: "1", ClientID: "client", SecretHash: hashOf("secret"), Name: "Elk",
		RedirectURIs: []string{"https://elk.zone/callback"}, Scopes: []string{"read", "write"}, Created: t0}
	if err := db.PutOAuthApp(app); err != nil {
		t.Fatal(err)
	}
	db.reopen()
	got, err := db.OAuthApp("client")
	if err != nil || got.Name != "Elk" || !slices.Equal(got.Scopes, app.Scopes) || !got.Created.Equal(t0) {
		t.Errorf("OAuthApp = %+v, %v", got, err)
	}
	if _, err := db.OAuthApp("other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown app: %v, want ErrNotFound", err)
	}
}

// TestRedeemOAuthCode: a code gives one token; a refused exchange leaves
// it usable and stores no token; expired codes are dropped when new ones
// come.
func TestRedeemOAuthCode(t *testing.T) {
	db := openTestDB(t)
	who := Principal{Kind: PrincipalUser, Name: "alice"}
	code := OAuthCode{ClientID: "client", Handle: "news", Who: who, Scopes: []string{"read"}, Created: t0, Expires: t0.Add(10 * time.Minute)}
	if err := db.PutOAuthCode(hashOf("code"), code, t0); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("wrong verifier")
	err := db.RedeemOAuthCode(hashOf("code"), func(OAuthCode) ([]byte, OAuthToken, error) { return nil, OAuthToken{}, refused })
	if !errors.Is(err, refused) {
		t.Fatalf("refused exchange: %v", err)
	}
	if _, err := db.OAuthToken(hashOf("token")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a refused exchange stored a token: %v", err)
	}
	err = db.RedeemOAuthCode(hashOf("code"), func(c OAuthCode) ([]byte, OAuthToken, error) {
		return hashOf("token"), OAuthToken{ClientID: c.ClientID, Handle: c.Handle, Who: c.Who, Scopes: c.Scopes, Created: t0}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := db.OAuthToken(hashOf("token"))
	if err != nil || tok.Handle != "news" || tok.Who != who {
		t.Errorf("token = %+v, %v", tok, err)
	}
	err = db.RedeemOAuthCode(hashOf("code"), func(OAuthCode) ([]byte, OAuthToken, error) { return hashOf("token2"), OAuthToken{}, nil })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("second exchange: %v, want ErrNotFound", err)
	}

	if err := db.PutOAuthCode(hashOf("old"), code, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.PutOAuthCode(hashOf("new"), code, t0.Add(11*time.Minute)); err != nil {
		t.Fatal(err)
	}
	err = db.RedeemOAuthCode(hashOf("old"), func(OAuthCode) ([]byte, OAuthToken, error) { return hashOf("t3"), OAuthToken{}, nil })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("expired code still there: %v", err)
	}
}

func TestRevokeOAuthToken(t *testing.T) {
	db := openTestDB(t)
	if err := db.PutOAuthToken(hashOf("token"), OAuthToken{ClientID: "client", Handle: "news", Scopes: []string{"read"}, Created: t0}); err != nil {
		t.Fatal(err)
	}
	if err := db.TouchOAuthToken(hashOf("token"), t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeOAuthToken(hashOf("token"), "other", t0); !errors.Is(err, ErrNotOwner) {
		t.Errorf("revoke by another client: %v, want ErrNotOwner", err)
	}
	if err := db.RevokeOAuthToken(hashOf("nothing"), "client", t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoke unknown: %v, want ErrNotFound", err)
	}
	for range 2 { // idempotent
		if err := db.RevokeOAuthToken(hashOf("token"), "client", t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := db.OAuthToken(hashOf("token"))
	if err != nil || !tok.Revoked.Equal(t0.Add(2*time.Hour)) || !tok.LastUsed.Equal(t0.Add(time.Hour)) {
		t.Errorf("revoked token = %+v, %v", tok, err)
	}
}
