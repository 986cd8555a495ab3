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

func TestVerify(t *testing.T) {
	key, other := newKey(t), newKey(t)
	errBoom := errors.New("actor fetch failed: 503")
	const inbox = "https://herald.example/users/news/inbox"
	const note = `{"type":"Create","actor":"https://remote.example/users/alice"}`

	type mutation func(t *testing.T, r *http.Request, body []byte) []byte
	// specResign sets Digest to digest and signs the request again by hand.
	specResign := func(digest string) mutation {
		return func(t *testing.T, r *http.Request, b []byte) []byte {
			r.Header.Set("Digest", digest)
			specSign(t, r, key, r.URL.RequestURI(), "rsa-sha256", "(request-target)", "host", "date", "digest")
			return b
		}
	}
	tests := []struct {
		name    string
		method  string
		url     string
		body    string
		signAt  time.Duration // offset from testNow
		signer  *rsa.PrivateKey
		mutate  mutation
		resolve KeyResolver
		wantErr error
		wrapped error // also expected in the chain, when set
	}{
		{name: "post with body", body: note},
		{name: "get without body", method: http.MethodGet, url: "https://herald.example/users/news"},
		{name: "get with query and escaped path", method: http.MethodGet,
			url: "https://herald.example/users/caf%C3%A9/outbox?page=2&min_id=a%2Fb"},
		{name: "hs2019 accepted", body: note, mutate: param("algorithm", "hs2019")},
		{name: "algorithm absent accepted", body: note, mutate: param("algorithm", "")},
		{name: "algorithm upper case accepted", body: note, mutate: param("algorithm", "RSA-SHA256")},
		{name: "date 64 minutes old accepted", body: note, signAt: -64 * time.Minute},
		{name: "date 59 minutes ahead accepted", body: note, signAt: 59 * time.Minute},
		{name: "authorization header ignored", body: note, mutate: header("Authorization", "Bearer signature=x")},
		{name: "spaces and tabs between parameters", body: note, mutate: func(_ *testing.T, r *http.Request, b []byte) []byte {
			r.Header.Set("Signature", strings.ReplaceAll(r.Header.Get("Signature"), `",`, `", `+"\t"))
			return b
		}},
		{name: "digest with several algorithms", body: note, mutate: specResign(`SHA-512=AAAA, sha-256=` + digestValue(note))},
		{name: "digest algorithm lower case", body: note, mutate: specResign(`sha-256=` + digestValue(note))},
		{name: "tampered body", body: note, wantErr: ErrDigestMismatch, mutate: func(_ *testing.T, _ *http.Request, _ []byte) []byte {
			return []byte(strings.Replace(note, "alice", "mallory", 1))
		}},
		{name: "body and digest both replaced", body: note, wantErr: ErrInvalidSignature, mutate: func(_ *testing.T, r *http.Request, _ []byte) []byte {
			b := []byte(`{"type":"Delete"}`)
			r.Header.Set("Digest", Digest(b))
			return b
		}},
		{name: "digest without sha-256", body: note, wantErr: ErrDigestMismatch, mutate: specResign("SHA-512=AAAA")},
		{name: "tampered signature", body: note, wantErr: ErrInvalidSignature, mutate: func(t *testing.T, r *http.Request, b []byte) []byte {
			sig, err := base64.StdEncoding.DecodeString(specParams(r.Header.Get("Signature"))["signature"])
			if err != nil {
				t.Fatal(err)
			}
			sig[10] ^= 1
			param("signature", base64.StdEncoding.EncodeToString(sig))(t, r, b)
			return b
		}},
		{name: "date changed after signing", body: note, wantErr: ErrInvalidSignature,
			mutate: header("Date", testNow.Add(time.Minute).Format(http.TimeFormat))},
		{name: "method changed", body: note, wantErr: ErrInvalidSignature, mutate: func(_ *testing.T, r *http.Request, b []byte) []byte {
			r.Method = http.MethodPut
			return b
		}},
		{name: "path changed", body: note, wantErr: ErrInvalidSignature, mutate: func(_ *testing.T, r *http.Request, b []byte) []byte {
			r.URL = &url.URL{Path: "/inbox"}
			return b
		}},
		{name: "query added", method: http.MethodGet, url: "https://herald.example/outbox?page=1", wantErr: ErrInvalidSignature,
			mutate: func(_ *testing.T, r *http.Request, b []byte) []byte {
				r.URL = &url.URL{Path: "/outbox", RawQuery: "page=2"}
				return b
			}},
		{name: "host changed", body: note, wantErr: ErrInvalidSignature, mutate: func(_ *testing.T, r *http.Request, b []byte) []byte {
			r.Host = "evil.example"
			return b
		}},
		{name: "date 2h old", body: note, signAt: -2 * time.Hour, wantErr: ErrStaleDate},
		{name: "date 2h ahead", body: note, signAt: 2 * time.Hour, wantErr: ErrStaleDate},
		{name: "date 66 minutes old", body: note, signAt: -66 * time.Minute, wantErr: ErrStaleDate},
		{name: "date 61 minutes ahead", body: note, signAt: 61 * time.Minute, wantErr: ErrStaleDate},
		{name: "unparsable date", body: note, wantErr: ErrStaleDate, mutate: header("Date", "yesterday")},
		{name: "post without digest signed", body: note, wantErr: ErrMissingHeaders, mutate: func(t *testing.T, r *http.Request, b []byte) []byte {
			specSign(t, r, key, r.URL.RequestURI(), "rsa-sha256", "(request-target)", "host", "date")
			return b
		}},
		{name: "headers parameter absent", method: http.MethodGet, url: inbox, wantErr: ErrMissingHeaders, mutate: param("headers", "")},
		{name: "signed header absent from request", body: note, wantErr: ErrMissingHeaders, mutate: func(t *testing.T, r *http.Request, b []byte) []byte {
			r.Header.Set("Content-Type", "application/activity+json")
			specSign(t, r, key, r.URL.RequestURI(), "", "(request-target)", "host", "date", "digest", "content-type")
			r.Header.Del("Content-Type")
			return b
		}},
		{name: "missing signature", body: note, wantErr: ErrNoSignature, mutate: header("Signature", "")},
		{name: "garbage signature", body: note, wantErr: ErrMalformed, mutate: header("Signature", "garbage")},
		{name: "two signature headers", body: note, wantErr: ErrMalformed, mutate: func(_ *testing.T, r *http.Request, b []byte) []byte {
			r.Header.Add("Signature", r.Header.Get("Signature"))
			return b
		}},
		{name: "hmac-sha256", body: note, wantErr: ErrUnsupportedAlgorithm, mutate: param("algorithm", "hmac-sha256")},
		{name: "resolver error", body: note, wantErr: ErrKeyUnavailable, wrapped: errBoom,
			resolve: func(context.Context, string) (crypto.PublicKey, string, error) { return nil, "", errBoom }},
		{name: "resolver returns no key", body: note, wantErr: ErrKeyUnavailable,
			resolve: func(context.Context, string) (crypto.PublicKey, string, error) { return nil, testOwner, nil }},
		{name: "non-rsa key", body: note, wantErr: ErrUnsupportedAlgorithm,
			resolve: func(context.Context, string) (crypto.PublicKey, string, error) {
				return ed25519.PublicKey(make([]byte, ed25519.PublicKeySize)), testOwner, nil
			}},
		{name: "signed by a different key", body: note, signer: other, wantErr: ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, target, signer, resolve := tt.method, tt.url, tt.signer, tt.resolve
			if method == "" {
				method, target = http.MethodPost, inbox
			}
			if signer == nil {
				signer = key
			}
			if resolve == nil {
				resolve = resolverFor(key)
			}
			body := []byte(tt.body)
			r := asServer(signedClientRequest(t, method, target, body, signer, testNow.Add(tt.signAt)), body)
			if tt.mutate != nil {
				body = tt.mutate(t, r, body)
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
func param(name, value string) func(*testing.T, *http.Request, []byte) []byte {
	return func(_ *testing.T, r *http.Request, b []byte) []byte {
		setParam(r, name, value)
		return b
	}
}

// header returns a mutation setting (or, with "", deleting) a header.
func header(name, value string) func(*testing.T, *http.Request, []byte) []byte {
	return func(_ *testing.T, r *http.Request, b []byte) []byte {
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
