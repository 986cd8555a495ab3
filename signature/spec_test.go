package signature

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestVerifyAcceptsSpecSigner checks Verify against requests signed by the
// hand-written draft-cavage-12 §2.3 signer in helpers_test.go, which shares
// no code with Sign or go-fed/httpsig.
func TestVerifyAcceptsSpecSigner(t *testing.T) {
	key := newKey(t)
	body := []byte(`{"type":"Follow"}`)
	tests := []struct {
		name      string
		method    string
		target    string
		signedAs  string // (request-target) the signer uses; "" means target
		algorithm string
		headers   []string
	}{
		{name: "post as mastodon sends it", method: http.MethodPost, target: "/users/news/inbox", algorithm: "rsa-sha256",
			headers: []string{"(request-target)", "host", "date", "digest"}},
		{name: "get as mastodon sends it", method: http.MethodGet, target: "/users/news", algorithm: "rsa-sha256",
			headers: []string{"(request-target)", "host", "date"}},
		{name: "hs2019 with more headers in another order", method: http.MethodPost, target: "/inbox", algorithm: "hs2019",
			headers: []string{"date", "digest", "content-type", "host", "(request-target)"}},
		{name: "no algorithm parameter", method: http.MethodGet, target: "/users/news/outbox?page=true",
			headers: []string{"(request-target)", "host", "date"}},
		{name: "escaped path", method: http.MethodGet, target: "/tags/caf%C3%A9?min_id=a%2Fb",
			headers: []string{"(request-target)", "host", "date"}},
		{name: "legacy mastodon target without query", method: http.MethodGet, target: "/users/news/outbox?page=true",
			signedAs: "/users/news/outbox", headers: []string{"(request-target)", "host", "date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b []byte
			if tt.method == http.MethodPost {
				b = body
			}
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(string(b)))
			r.Host = "herald.example"
			r.Header.Set("Date", testNow.Format(http.TimeFormat))
			r.Header.Set("Content-Type", "application/activity+json")
			if b != nil {
				sum := sha256.Sum256(b)
				r.Header.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
			}
			signedAs := tt.signedAs
			if signedAs == "" {
				signedAs = tt.target
			}
			specSign(t, r, key, signedAs, tt.algorithm, tt.headers...)
			got, err := Verify(context.Background(), r, b, resolverFor(key), VerifyOptions{Now: testNow})
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got.KeyID != testKeyID || got.Owner != testOwner {
				t.Errorf("Verified = %+v", got)
			}
		})
	}
}

// TestSignMatchesSpec checks that what Sign emits is what draft-cavage-12
// and Mastodon expect, verifying its signature over the hand-built signing
// string rather than with the package's own verifier.
func TestSignMatchesSpec(t *testing.T) {
	key := newKey(t)
	tests := []struct {
		name        string
		method      string
		url         string
		body        string
		wantHeaders string
		wantTarget  string
	}{
		{"post", http.MethodPost, "https://remote.example/inbox", `{"type":"Create"}`,
			"(request-target) host date digest", "/inbox"},
		{"get", http.MethodGet, "https://remote.example/users/alice", "",
			"(request-target) host date", "/users/alice"},
		{"get with query and escapes", http.MethodGet, "https://remote.example:8443/u/caf%C3%A9?page=2&q=a%2Fb", "",
			"(request-target) host date", "/u/caf%C3%A9?page=2&q=a%2Fb"},
		{"empty path", http.MethodGet, "https://remote.example", "", "(request-target) host date", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			req := signedClientRequest(t, tt.method, tt.url, body, key, testNow)
			p := specParams(req.Header.Get("Signature"))
			if p["keyId"] != testKeyID || p["algorithm"] != "rsa-sha256" || p["headers"] != tt.wantHeaders {
				t.Errorf("Signature params = %v", p)
			}
			if got, want := req.Header.Get("Date"), "Mon, 06 May 2024 07:08:09 GMT"; got != want {
				t.Errorf("Date = %q, want %q", got, want)
			}
			if req.Host != req.URL.Host || req.Header.Get("Host") != req.URL.Host {
				t.Errorf("Host = %q / header %q, want %q", req.Host, req.Header.Get("Host"), req.URL.Host)
			}
			wantDigest := ""
			if body != nil {
				sum := sha256.Sum256(body)
				wantDigest = "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
			}
			if got := req.Header.Get("Digest"); got != wantDigest {
				t.Errorf("Digest = %q, want %q", got, wantDigest)
			}
			if got := req.URL.RequestURI(); got != tt.wantTarget {
				t.Fatalf("request target on the wire = %q, want %q", got, tt.wantTarget)
			}
			if !specVerify(t, asServer(req, body), &key.PublicKey) {
				t.Errorf("signature does not verify over the hand-built signing string")
			}
		})
	}
}

func TestDigest(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		// Values computed with: printf %s BODY | openssl dgst -sha256 -binary | base64
		{"empty", "", "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
		{"hello", "hello", "SHA-256=LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Digest([]byte(tt.body)); got != tt.want {
				t.Errorf("Digest(%q) = %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}
