package signature

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// verifyInbox and verifyNote are the target and body of the POSTs in
// verifyTests.
const (
	verifyInbox = "https://herald.example/users/news/inbox"
	verifyNote  = `{"type":"Create","actor":"https://remote.example/users/alice"}`
)

// errResolverDown is the error of the failing key resolver in verifyTests.
var errResolverDown = errors.New("actor fetch failed: 503")

// mutation changes a request signed with key after signing, before Verify
// sees it, and returns the body Verify gets.
type mutation func(t *testing.T, r *http.Request, body []byte, key *rsa.PrivateKey) []byte

// specResign sets Digest to digest and signs the request again by hand.
func specResign(digest string) mutation {
	return func(t *testing.T, r *http.Request, b []byte, key *rsa.PrivateKey) []byte {
		r.Header.Set("Digest", digest)
		specSign(t, r, key, r.URL.RequestURI(), "rsa-sha256", "(request-target)", "host", "date", "digest")
		return b
	}
}

// verifyTests are the cases of TestVerify: a request signed with Sign (a
// POST of verifyNote to verifyInbox unless method is set), changed by
// mutate, then verified at testNow; Verify must return wantErr.
var verifyTests = []struct {
	name       string
	method     string
	url        string
	body       string
	signAt     time.Duration // offset from testNow
	byOtherKey bool          // signed by a key other than the one resolved
	mutate     mutation
	resolve    KeyResolver
	wantErr    error
	wrapped    error // also expected in the chain, when set
}{
	{name: "post with body", body: verifyNote},
	{name: "get without body", method: http.MethodGet, url: "https://herald.example/users/news"},
	{name: "get with query and escaped path", method: http.MethodGet,
		url: "https://herald.example/users/caf%C3%A9/outbox?page=2&min_id=a%2Fb"},
	{name: "hs2019 accepted", body: verifyNote, mutate: param("algorithm", "hs2019")},
	{name: "algorithm absent accepted", body: verifyNote, mutate: param("algorithm", "")},
	{name: "algorithm upper case accepted", body: verifyNote, mutate: param("algorithm", "RSA-SHA256")},
	{name: "date 64 minutes old accepted", body: verifyNote, signAt: -64 * time.Minute},
	{name: "date 59 minutes ahead accepted", body: verifyNote, signAt: 59 * time.Minute},
	{name: "authorization header ignored", body: verifyNote, mutate: header("Authorization", "Bearer signature=x")},
	{name: "spaces and tabs between parameters", body: verifyNote, mutate: func(_ *testing.T, r *http.Request, b []byte, _ *rsa.PrivateKey) []byte {
		r.Header.Set("Signature", strings.ReplaceAll(r.Header.Get("Signature"), `",`, `", `+"\t"))
		return b
	}},
	{name: "digest with several algorithms", body: verifyNote, mutate: specResign(`SHA-512=AAAA, sha-256=` + digestValue(verifyNote))},
	{name: "digest algorithm lower case", body: verifyNote, mutate: specResign(`sha-256=` + digestValue(verifyNote))},
	{name: "tampered body", body: verifyNote, wantErr: ErrDigestMismatch, mutate: func(_ *testing.T, _ *http.Request, _ []byte, _ *rsa.PrivateKey) []byte {
		return []byte(strings.Replace(verifyNote, "alice", "mallory", 1))
	}},
	{name: "body and digest both replaced", body: verifyNote, wantErr: ErrInvalidSignature, mutate: func(_ *testing.T, r *http.Request, _ []byte, _ *rsa.PrivateKey) []byte {
		b := []byte(`{"type":"Delete"}`)
		r.Header.Set("Digest", Digest(b))
		return b
	}},
	{name: "digest without sha-256", body: verifyNote, wantErr: ErrDigestMismatch, mutate: specResign("SHA-512=AAAA")},
	{name: "tampered signature", body: verifyNote, wantErr: ErrInvalidSignature, mutate: func(t *testing.T, r *http.Request, b []byte, key *rsa.PrivateKey) []byte {
		sig, err := base64.StdEncoding.DecodeString(specParams(r.Header.Get("Signature"))["signature"])
		if err != nil {
			t.Fatal(err)
		}
		sig[10] ^= 1
		param("signature", base64.StdEncoding.EncodeToString(sig))(t, r, b, key)
		return b
	}},
	{name: "date changed after signing", body: verifyNote, wantErr: ErrInvalidSignature,
		mutate: header("Date", testNow.Add(time.Minute).Format(http.TimeFormat))},
	{name: "method changed", body: verifyNote, wantErr: ErrInvalidSignature, mutate: func(_ *testing.T, r *http.Request, b []byte, _ *rsa.PrivateKey) []byte {
		r.Method = http.MethodPut
		return b
	}},
	{name: "path changed", body: verifyNote, wantErr: ErrInvalidSignature, mutate: func(_ *testing.T, r *http.Request, b []byte, _ *rsa.PrivateKey) []byte {
		r.URL = &url.URL{Path: "/inbox"}
		return b
	}},
	{name: "query added", method: http.MethodGet, url: "https://herald.example/outbox?page=1", wantErr: ErrInvalidSignature,
		mutate: func(_ *testing.T, r *http.Request, b []byte, _ *rsa.PrivateKey) []byte {
			r.URL = &url.URL{Path: "/outbox", RawQuery: "page=2"}
			return b
		}},
	{name: "host changed", body: verifyNote, wantErr: ErrInvalidSignature, mutate: func(_ *testing.T, r *http.Request, b []byte, _ *rsa.PrivateKey) []byte {
		r.Host = "evil.example"
		return b
	}},
	{name: "date 2h old", body: verifyNote, signAt: -2 * time.Hour, wantErr: ErrStaleDate},
	{name: "date 2h ahead", body: verifyNote, signAt: 2 * time.Hour, wantErr: ErrStaleDate},
	{name: "date 66 minutes old", body: verifyNote, signAt: -66 * time.Minute, wantErr: ErrStaleDate},
	{name: "date 61 minutes ahead", body: verifyNote, signAt: 61 * time.Minute, wantErr: ErrStaleDate},
	{name: "unparsable date", body: verifyNote, wantErr: ErrStaleDate, mutate: header("Date", "yesterday")},
	{name: "post without digest signed", body: verifyNote, wantErr: ErrMissingHeaders, mutate: func(t *testing.T, r *http.Request, b []byte, key *rsa.PrivateKey) []byte {
		specSign(t, r, key, r.URL.RequestURI(), "rsa-sha256", "(request-target)", "host", "date")
		return b
	}},
	{name: "headers parameter absent", method: http.MethodGet, url: verifyInbox, wantErr: ErrMissingHeaders, mutate: param("headers", "")},
	{name: "signed header absent from request", body: verifyNote, wantErr: ErrMissingHeaders, mutate: func(t *testing.T, r *http.Request, b []byte, key *rsa.PrivateKey) []byte {
		r.Header.Set("Content-Type", "application/activity+json")
		specSign(t, r, key, r.URL.RequestURI(), "", "(request-target)", "host", "date", "digest", "content-type")
		r.Header.Del("Content-Type")
		return b
	}},
	{name: "missing signature", body: verifyNote, wantErr: ErrNoSignature, mutate: header("Signature", "")},
	{name: "garbage signature", body: verifyNote, wantErr: ErrMalformed, mutate: header("Signature", "garbage")},
	{name: "two signature headers", body: verifyNote, wantErr: ErrMalformed, mutate: func(_ *testing.T, r *http.Request, b []byte, _ *rsa.PrivateKey) []byte {
		r.Header.Add("Signature", r.Header.Get("Signature"))
		return b
	}},
	{name: "hmac-sha256", body: verifyNote, wantErr: ErrUnsupportedAlgorithm, mutate: param("algorithm", "hmac-sha256")},
	{name: "resolver error", body: verifyNote, wantErr: ErrKeyUnavailable, wrapped: errResolverDown,
		resolve: func(context.Context, string) (crypto.PublicKey, string, error) { return nil, "", errResolverDown }},
	{name: "resolver returns no key", body: verifyNote, wantErr: ErrKeyUnavailable,
		resolve: func(context.Context, string) (crypto.PublicKey, string, error) { return nil, testOwner, nil }},
	{name: "non-rsa key", body: verifyNote, wantErr: ErrUnsupportedAlgorithm,
		resolve: func(context.Context, string) (crypto.PublicKey, string, error) {
			return ed25519.PublicKey(make([]byte, ed25519.PublicKeySize)), testOwner, nil
		}},
	{name: "signed by a different key", body: verifyNote, byOtherKey: true, wantErr: ErrInvalidSignature},
}

func TestVerify(t *testing.T) {
	key, other := newKey(t), newKey(t)
	for _, tt := range verifyTests {
		t.Run(tt.name, func(t *testing.T) {
			method, target, signer, resolve := tt.method, tt.url, key, tt.resolve
			if method == "" {
				method, target = http.MethodPost, verifyInbox
			}
			if tt.byOtherKey {
				signer = other
			}
			if resolve == nil {
				resolve = resolverFor(key)
			}
			body := []byte(tt.body)
			r := asServer(signedClientRequest(t, method, target, body, signer, testNow.Add(tt.signAt)), body)
			if tt.mutate != nil {
				body = tt.mutate(t, r, body, key)
			}
			got, err := Verify(context.Background(), r, body, resolve, VerifyOptions{Now: testNow})
			t.Logf("Verify: %v", err)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify err = %v, want %v", err, tt.wantErr)
			}
			if tt.wrapped != nil && !errors.Is(err, tt.wrapped) {
				t.Errorf("err %v does not wrap %v", err, tt.wrapped)
			}
			if err == nil && (got.KeyID != testKeyID || got.Owner != testOwner || got.Signature != r.Header.Get("Signature") ||
				!got.Date.Equal(testNow.Add(tt.signAt).Truncate(time.Second))) {
				t.Errorf("Verified = %+v", got)
			}
		})
	}
}

// param returns a mutation setting (or removing) a Signature parameter.
func param(name, value string) mutation {
	return func(_ *testing.T, r *http.Request, b []byte, _ *rsa.PrivateKey) []byte {
		setParam(r, name, value)
		return b
	}
}

// header returns a mutation setting (or, with "", deleting) a header.
func header(name, value string) mutation {
	return func(_ *testing.T, r *http.Request, b []byte, _ *rsa.PrivateKey) []byte {
		r.Header.Del(name)
		if value != "" {
			r.Header.Set(name, value)
		}
		return b
	}
}

// digestValue is the base64 SHA-256 of s, as in a Digest header.
func digestValue(s string) string {
	return strings.TrimPrefix(Digest([]byte(s)), "SHA-256=")
}

func TestVerifyOptionsWindow(t *testing.T) {
	tests := []struct {
		name       string
		opts       VerifyOptions
		wantPast   time.Duration
		wantFuture time.Duration
	}{
		{"zero is Mastodon's window", VerifyOptions{}, 65 * time.Minute, time.Hour},
		{"explicit skew is symmetric", VerifyOptions{MaxSkew: 5 * time.Minute}, 5 * time.Minute, 5 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			past, future := tt.opts.window()
			if past != tt.wantPast || future != tt.wantFuture {
				t.Errorf("window() = %v, %v; want %v, %v", past, future, tt.wantPast, tt.wantFuture)
			}
		})
	}
}
