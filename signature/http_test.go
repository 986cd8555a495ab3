package signature

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// verifyingServer starts a loopback server whose handler verifies every
// request with Verify and reports the outcome on the returned channel,
// answering 202 or 401.
func verifyingServer(t *testing.T, resolve KeyResolver) (*httptest.Server, <-chan error) {
	t.Helper()
	results := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err == nil {
			var v Verified
			v, err = Verify(r.Context(), r, body, resolve, VerifyOptions{Now: testNow})
			if err == nil && v.Owner != testOwner {
				err = fmt.Errorf("owner = %q", v.Owner)
			}
		}
		results <- err
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	return srv, results
}

func TestSignVerifyOverHTTP(t *testing.T) {
	key := newKey(t)
	srv, results := verifyingServer(t, resolverFor(key))
	tests := []struct {
		name     string
		method   string
		path     string
		body     string
		sentBody string // body actually sent; "" means body
		wantErr  error
	}{
		{name: "post with body", method: http.MethodPost, path: "/users/news/inbox", body: `{"type":"Follow"}`},
		{name: "get without body", method: http.MethodGet, path: "/users/news"},
		{name: "get with query string", method: http.MethodGet, path: "/users/news/outbox?page=true&max_id=a%2Fb"},
		{name: "get with escaped path", method: http.MethodGet, path: "/tags/caf%C3%A9"},
		{name: "body changed in flight", method: http.MethodPost, path: "/inbox", body: `{"type":"Follow"}`,
			sentBody: `{"type":"Block"}`, wantErr: ErrDigestMismatch},
	}
	client := srv.Client()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent := tt.sentBody
			if sent == "" {
				sent = tt.body
			}
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, bytes.NewReader([]byte(sent)))
			if err != nil {
				t.Fatal(err)
			}
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
				req.Header.Set("Content-Type", "application/activity+json")
			}
			if err := Sign(req, body, testKeyID, key, testNow); err != nil {
				t.Fatalf("Sign: %v", err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("do: %v", err)
			}
			resp.Body.Close()
			if err := <-results; !errors.Is(err, tt.wantErr) {
				t.Fatalf("server's Verify err = %v, want %v", err, tt.wantErr)
			}
			want := http.StatusAccepted
			if tt.wantErr != nil {
				want = http.StatusUnauthorized
			}
			if resp.StatusCode != want {
				t.Errorf("status = %d, want %d", resp.StatusCode, want)
			}
		})
	}
}

// TestSignConcurrent signs and verifies many requests at once with one key;
// run with -race it checks that Sign and Verify share no mutable state.
func TestSignConcurrent(t *testing.T) {
	key := newKey(t)
	const n = 16
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := []byte(fmt.Sprintf(`{"n":%d}`, i))
			req, err := http.NewRequest(http.MethodPost, fmt.Sprintf("https://remote.example/inbox/%d", i), bytes.NewReader(body))
			if err == nil {
				err = Sign(req, body, testKeyID, key, testNow)
			}
			if err == nil {
				_, err = Verify(context.Background(), asServer(req, body), body, resolverFor(key), VerifyOptions{Now: testNow})
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestSignRejectsBadInput(t *testing.T) {
	key := newKey(t)
	tests := []struct {
		name  string
		url   string
		keyID string
		nokey bool
	}{
		{name: "quote in keyId", url: "https://remote.example/inbox", keyID: `https://a.example/"x`},
		{name: "newline in keyId", url: "https://remote.example/inbox", keyID: "https://a.example/\nx"},
		{name: "empty keyId", url: "https://remote.example/inbox", keyID: ""},
		{name: "no host", url: "/inbox", keyID: testKeyID},
		{name: "nil key", url: "https://remote.example/inbox", keyID: testKeyID, nokey: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			k := key
			if tt.nokey {
				k = nil
			}
			if err := Sign(req, nil, tt.keyID, k, testNow); err == nil {
				t.Errorf("Sign succeeded, want an error")
			}
		})
	}
}
