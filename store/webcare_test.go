package store

import (
	"errors"
	"testing"
	"time"
)

func TestWebcareUsers(t *testing.T) {
	db := openTestDB(t)
	alice := WebcareUser{Name: "alice", Handle: "news", PasswordHash: []byte("$2a$hash"), Created: t0}
	if err := db.AddWebcareUser(alice); err != nil {
		t.Fatal(err)
	}
	if err := db.AddWebcareUser(WebcareUser{Name: "alice", Handle: "weather", PasswordHash: []byte("x")}); !errors.Is(err, ErrExists) {
		t.Errorf("second alice: %v, want ErrExists", err)
	}
	if err := db.AddWebcareUser(WebcareUser{Name: "bob", Handle: "news", PasswordHash: []byte("y"), Created: t0}); err != nil {
		t.Fatal(err)
	}
	who := Principal{Kind: PrincipalUser, Name: "alice"}
	if err := db.PutOAuthToken(hashOf("a"), OAuthToken{ClientID: "c", Handle: "news", Who: who, Created: t0}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutOAuthToken(hashOf("b"), OAuthToken{ClientID: "c", Handle: "news", Who: Principal{Kind: PrincipalUser, Name: "bob"}, Created: t0}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutOAuthCode(hashOf("code"), OAuthCode{ClientID: "c", Who: who, Expires: t0.Add(time.Hour)}, t0); err != nil {
		t.Fatal(err)
	}
	db.reopen()
	if u, err := db.WebcareUser("alice"); err != nil || u.Handle != "news" || string(u.PasswordHash) != "$2a$hash" {
		t.Errorf("WebcareUser = %+v, %v", u, err)
	}
	if n, err := db.RemoveWebcareUser("alice", t0.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("RemoveWebcareUser = %d, %v; want 1 token revoked", n, err)
	}
	if tok, _ := db.OAuthToken(hashOf("a")); tok.Revoked.IsZero() {
		t.Error("alice's token survived her removal")
	}
	if tok, _ := db.OAuthToken(hashOf("b")); !tok.Revoked.IsZero() {
		t.Error("bob's token was revoked with alice")
	}
	err := db.RedeemOAuthCode(hashOf("code"), func(OAuthCode) ([]byte, OAuthToken, error) { return hashOf("c"), OAuthToken{}, nil })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("alice's pending code survived her removal: %v", err)
	}
	users, err := db.WebcareUsers()
	if err != nil || len(users) != 1 || users[0].Name != "bob" {
		t.Errorf("WebcareUsers = %+v, %v", users, err)
	}
	if _, err := db.RemoveWebcareUser("alice", t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("removing alice twice: %v", err)
	}
}

func TestAudit(t *testing.T) {
	db := openTestDB(t)
	for i, name := range []string{"alice", "bob", "carol"} {
		e := AuditEntry{At: t0.Add(time.Duration(i/2) * time.Minute), Action: AuditSignIn, Who: Principal{Kind: PrincipalUser, Name: name}, Account: "news", App: "Elk"}
		if err := db.AddAudit(e); err != nil {
			t.Fatal(err)
		}
	}
	all, err := db.Audit(time.Time{}, 10)
	if err != nil || len(all) != 3 || all[0].Who.Name != "carol" || all[2].Who.Name != "alice" {
		t.Fatalf("Audit = %+v, %v; want carol, bob, alice", all, err)
	}
	older, err := db.Audit(t0.Add(time.Minute), 10)
	if err != nil || len(older) != 2 || older[0].Who.Name != "bob" {
		t.Errorf("Audit before carol = %+v, %v", older, err)
	}
	if one, _ := db.Audit(time.Time{}, 1); len(one) != 1 {
		t.Errorf("limit 1 gave %d", len(one))
	}
}
