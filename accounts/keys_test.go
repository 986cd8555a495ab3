package accounts_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"herald/app"
	"herald/apptest"
	"herald/config"
	"herald/keyseal"
	"herald/outbound"
	"herald/store"
)

// actorKeyPEM builds an App on cfg.DataDir with kek and returns the public
// key it publishes for news, or the error of app.New.
func actorKeyPEM(t *testing.T, cfg *config.Config, kek string) (string, error) {
	t.Helper()
	st, err := store.Open(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := *cfg
	c.KeyEncryptionKey = kek
	b, err := app.New(app.Options{Config: &c, Store: st, Client: outbound.NewClient(outbound.Options{}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test"})
	if err != nil {
		return "", err
	}
	doc := serveGet(t, b, "/users/news")
	var a struct {
		PublicKey struct{ PublicKeyPem string } `json:"publicKey"`
	}
	if err := json.Unmarshal(doc, &a); err != nil {
		t.Fatal(err)
	}
	return a.PublicKey.PublicKeyPem, nil
}

func storedKey(t *testing.T, dir string) []byte {
	t.Helper()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k, err := st.ActorKey("news", nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestKeysEncryptedAtRest: with key_encryption_key the stored keys are
// sealed, a key stored in clear earlier is sealed in place, the published
// key never changes, and without the key Herald refuses to start.
func TestKeysEncryptedAtRest(t *testing.T) {
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: "http://127.0.0.1:1/feed"})
	kek := strings.Repeat("ab", 32)

	plain, err := actorKeyPEM(t, cfg, "")
	if err != nil || plain == "" {
		t.Fatalf("first start: %v", err)
	}
	if keyseal.IsSealed(storedKey(t, cfg.DataDir)) {
		t.Fatal("key sealed without a key-encryption key")
	}
	sealedStart, err := actorKeyPEM(t, cfg, kek)
	if err != nil || sealedStart != plain {
		t.Fatalf("start with a key-encryption key: %v (same key: %v)", err, sealedStart == plain)
	}
	stored := storedKey(t, cfg.DataDir)
	if !keyseal.IsSealed(stored) || bytes.Contains(stored, []byte("PRIVATE KEY")) {
		t.Fatalf("stored key not sealed: %.40q", stored)
	}
	if again, err := actorKeyPEM(t, cfg, kek); err != nil || again != plain {
		t.Fatalf("restart: %v (same key: %v)", err, again == plain)
	}
	if _, err := actorKeyPEM(t, cfg, ""); err == nil || !strings.Contains(err.Error(), "HERALD_KEY_ENCRYPTION_KEY") {
		t.Fatalf("start without the key-encryption key: %v", err)
	}
	if _, err := actorKeyPEM(t, cfg, strings.Repeat("cd", 32)); err == nil {
		t.Fatal("started with the wrong key-encryption key")
	}
}

// serveGet answers a GET of path from b's handler, as an ActivityPub client.
func serveGet(t *testing.T, b *app.App, path string) []byte {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept", "application/activity+json")
	rec := httptest.NewRecorder()
	b.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", path, rec.Code)
	}
	return rec.Body.Bytes()
}
