package signature

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"testing"
)

// TestSignBody signs two requests with one pre-hashed Body, one the
// draft-cavage way and one the RFC 9421 way: each carries the digest of the
// body (checked against a hash made here) and verifies, and a Body reused
// for a second request gives the same digest.
func TestSignBody(t *testing.T) {
	key := newKey(t)
	raw := []byte(`{"type":"Create","id":"https://remote.example/activities/1"}`)
	body := NewBody(raw)
	if !bytes.Equal(body.Bytes(), raw) {
		t.Fatal("Body.Bytes changed the body")
	}
	sum := sha256.Sum256(raw)
	want := base64.StdEncoding.EncodeToString(sum[:])

	for i := range 2 {
		req, _ := http.NewRequest(http.MethodPost, "https://news.example/inbox", bytes.NewReader(raw))
		if err := SignBody(req, body, testKeyID, key, testNow); err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get("Digest"); got != "SHA-256="+want {
			t.Fatalf("request %d: Digest %q, want SHA-256=%s", i, got, want)
		}
		if _, err := Verify(context.Background(), asServer(req, raw), raw, resolverFor(key), VerifyOptions{Now: testNow}); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}

	req, _ := http.NewRequest(http.MethodPost, "https://news.example/inbox", bytes.NewReader(raw))
	if err := SignMessageBody(req, body, testKeyID, key, testNow); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Content-Digest"); got != "sha-256=:"+want+":" {
		t.Fatalf("Content-Digest %q", got)
	}
	opts := VerifyOptions{Now: testNow, Origin: "https://news.example"} // @target-uri needs the scheme
	if _, err := VerifyRequest(context.Background(), asServer(req, raw), raw, resolverFor(key), opts); err != nil {
		t.Fatal(err)
	}
}
