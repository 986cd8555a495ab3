package signature

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzVerify feeds arbitrary Signature headers and bodies to Verify. It must
// never panic, and must never accept a request whose signature does not
// verify over the hand-built signing string (helpers_test.go).
func FuzzVerify(f *testing.F) {
	key := newKey(f)
	const target = "https://herald.example/users/news/inbox?x=1"
	body := []byte(`{"type":"Follow"}`)
	valid := signedClientRequest(f, http.MethodPost, target, body, key, testNow)
	seeds := []struct {
		sig  string
		body []byte
	}{
		{valid.Header.Get("Signature"), body},
		{valid.Header.Get("Signature"), []byte(`{"type":"Block"}`)},
		{strings.Replace(valid.Header.Get("Signature"), "rsa-sha256", "hs2019", 1), body},
		{`keyId="k",headers="(request-target) host date digest",signature="AAAA"`, nil},
		{`keyId="k",created=1,expires=2,headers="(created) (expires)",signature="AAAA"`, nil},
		{`keyId="a\"b",signature="c2ln"`, body},
		{"garbage", body},
		{"", nil},
	}
	for _, s := range seeds {
		f.Add(s.sig, s.body)
	}
	resolve := resolverFor(key)
	f.Fuzz(func(t *testing.T, sig string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/users/news/inbox?x=1", strings.NewReader(string(body)))
		r.Host = "herald.example"
		r.Header.Set("Date", testNow.Format(http.TimeFormat))
		r.Header.Set("Digest", Digest(body))
		if sig != "" {
			r.Header["Signature"] = []string{sig}
		}
		_, err := Verify(context.Background(), r, body, resolve, VerifyOptions{Now: testNow})
		if err == nil && !specVerify(t, r, &key.PublicKey) {
			t.Fatalf("Verify accepted %q with body %q", sig, body)
		}
	})
}
