package signature

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	testKeyID = "https://remote.example/users/alice#main-key"
	testOwner = "https://remote.example/users/alice"
)

// testNow is the fixed clock of every test.
var testNow = time.Date(2024, time.May, 6, 7, 8, 9, 0, time.UTC)

// newKey generates a fresh RSA-2048 key. Tests generate the keys they need
// once per top-level test and pass them to their cases.
func newKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	return k
}

// resolverFor resolves testKeyID to key's public half, owned by testOwner.
func resolverFor(key *rsa.PrivateKey) KeyResolver {
	return func(_ context.Context, keyID string) (crypto.PublicKey, string, error) {
		if keyID != testKeyID {
			return nil, "", fmt.Errorf("unknown key %s", keyID)
		}
		return &key.PublicKey, testOwner, nil
	}
}

// signedClientRequest builds a client request and signs it with Sign.
func signedClientRequest(t testing.TB, method, rawURL string, body []byte, key *rsa.PrivateKey, at time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if err := Sign(req, body, testKeyID, key, at); err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return req
}

// asServer returns req as net/http's server presents it: no URL host, the
// host in req.Host only, the target re-parsed from the wire form.
func asServer(req *http.Request, body []byte) *http.Request {
	s := httptest.NewRequest(req.Method, req.URL.RequestURI(), bytes.NewReader(body))
	s.Host = req.Host
	s.Header = req.Header.Clone()
	s.Header.Del("Host")
	return s
}

// specSigningString builds the signing string of draft-cavage-12 §2.3 by
// hand, independently of the code under test: for each covered header, in
// order, its lowercased name, ": " and its value (several values joined by
// ", "), lines joined by "\n". (request-target) is the lowercased method, a
// space and the request target as sent on the wire.
func specSigningString(t testing.TB, method, target, host string, h http.Header, headers []string) string {
	t.Helper()
	lines := make([]string, 0, len(headers))
	for _, name := range headers {
		name = strings.ToLower(name)
		switch name {
		case "(request-target)":
			lines = append(lines, name+": "+strings.ToLower(method)+" "+target)
		case "host":
			lines = append(lines, "host: "+host)
		default:
			vals := h.Values(name)
			if len(vals) == 0 {
				t.Fatalf("header %q not in request", name)
			}
			for i := range vals {
				vals[i] = strings.TrimSpace(vals[i])
			}
			lines = append(lines, name+": "+strings.Join(vals, ", "))
		}
	}
	return strings.Join(lines, "\n")
}

// specSign signs the server request r by hand with crypto/rsa over the
// signing string of headers, using target as (request-target), and sets its
// Signature header (algorithm omitted when empty).
func specSign(t testing.TB, r *http.Request, key *rsa.PrivateKey, target, algorithm string, headers ...string) {
	t.Helper()
	s := specSigningString(t, r.Method, target, r.Host, r.Header, headers)
	sum := sha256.Sum256([]byte(s))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatalf("sign by hand: %v", err)
	}
	v := `keyId="` + testKeyID + `",`
	if algorithm != "" {
		v += `algorithm="` + algorithm + `",`
	}
	v += `headers="` + strings.Join(headers, " ") + `",signature="` + base64.StdEncoding.EncodeToString(sig) + `"`
	r.Header.Set("Signature", v)
}

// sigParamRE matches one name="value" pair of a Signature header, for the
// tests' own minimal parser.
var sigParamRE = regexp.MustCompile(`(\w+)="((?:[^"\\]|\\.)*)"`)

// specParams parses a Signature header with a regular expression, apart from
// the package's parser; duplicates keep the first value.
func specParams(v string) map[string]string {
	out := make(map[string]string)
	unescape := regexp.MustCompile(`\\(.)`)
	for _, m := range sigParamRE.FindAllStringSubmatch(v, -1) {
		if _, dup := out[m[1]]; !dup {
			out[m[1]] = unescape.ReplaceAllString(m[2], "$1")
		}
	}
	return out
}

// specVerify reports whether the Signature header of the server request r
// verifies with pub over the hand-built signing string.
func specVerify(t testing.TB, r *http.Request, pub *rsa.PublicKey) bool {
	t.Helper()
	p := specParams(r.Header.Get("Signature"))
	sig, err := base64.StdEncoding.DecodeString(p["signature"])
	if err != nil || p["headers"] == "" {
		return false
	}
	headers := strings.Fields(p["headers"])
	for _, h := range headers {
		if h != "(request-target)" && h != "host" && len(r.Header.Values(h)) == 0 {
			return false
		}
	}
	s := specSigningString(t, r.Method, r.URL.RequestURI(), r.Host, r.Header, headers)
	sum := sha256.Sum256([]byte(s))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) == nil
}

// setParam replaces (or, with value "", removes) one parameter of r's
// Signature header by rewriting the text, so tests can alter the header in
// ways Sign never would.
func setParam(r *http.Request, name, value string) {
	re := regexp.MustCompile(`,?` + name + `="[^"]*"`)
	v := re.ReplaceAllString(r.Header.Get("Signature"), "")
	if value != "" {
		v += `,` + name + `="` + value + `"`
	}
	r.Header.Set("Signature", strings.TrimPrefix(v, ","))
}
