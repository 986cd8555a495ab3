package apptest

import (
	"io"
	"net/http"
	"testing"
)

// Admin API tokens for tests to put in config.Config.AdminTokens with the
// role and actors each test needs.
const (
	OperatorToken  = "operator-token-0123456789abcdef0123456789"
	PublisherToken = "publisher-token-0123456789abcdef012345678"
)

// AdminGet GETs url with token as the bearer token ("" for none) and
// returns the response and its body.
func AdminGet(t testing.TB, url, token string) (*http.Response, []byte) {
	t.Helper()
	return AdminDo(t, http.MethodGet, url, token)
}

// AdminDo makes a request without a body with token as the bearer token
// ("" for none) and returns the response and its body.
func AdminDo(t testing.TB, method, url, token string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}
