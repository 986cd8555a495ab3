package fedtest

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
	"strings"
	"time"
)

// Post sends body to target signed by the account at time at, in its
// server's style. tamper, if not nil, changes the request after signing.
func (a *Account) Post(ctx context.Context, target string, body []byte, at time.Time, tamper func(*http.Request)) (*http.Response, error) {
	req, err := a.SignedPost(ctx, target, body, at)
	if err != nil {
		return nil, err
	}
	if tamper != nil {
		tamper(req)
	}
	return a.dir.client.Do(req)
}

// SignedPost builds the signed POST that Post sends: the style's
// Content-Type, Content-Length, Digest (or Content-Digest), Date, a
// User-Agent naming the style, Host (without the port with
// HostWithoutPort), signed over the style's header list.
func (a *Account) SignedPost(ctx context.Context, target string, body []byte, at time.Time) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	ct := a.style.ContentType
	if ct == "" {
		ct = "application/activity+json"
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Content-Length", fmt.Sprint(len(body)))
	req.Header.Set("User-Agent", "fedtest ("+a.style.Name+")")
	sum := sha256.Sum256(body)
	req.Header.Set("Digest", "SHA-256="+base64.StdEncoding.EncodeToString(sum[:]))
	req.Header.Set("Date", at.UTC().Format(http.TimeFormat))
	setHost(req, a.style)
	a.mu.Lock()
	key := a.key
	a.mu.Unlock()
	if a.style.RFC9421 {
		req.Header.Del("Digest")
		req.Header.Set("Content-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":")
		return req, SignMessage(req, a.KeyID(), key, at)
	}
	return req, SignCavage(req, a.KeyID(), key, a.style)
}

// Get sends a GET of target signed by the account in its style's GET
// shape (GetHeaders, QuerylessGet, HostWithoutPort), with an Accept of
// application/activity+json.
func (a *Account) Get(ctx context.Context, target string) (*http.Response, error) {
	return a.getWith(ctx, a.dir.client, target, a.style.QuerylessGet)
}

// getWith is Get through client, the request target with or without the
// query as queryless says.
func (a *Account) getWith(ctx context.Context, client *http.Client, target string, queryless bool) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`)
	req.Header.Set("User-Agent", "fedtest ("+a.style.Name+")")
	req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	setHost(req, a.style)
	headers := a.style.GetHeaders
	if headers == nil {
		headers = []string{"(request-target)", "host", "date"}
	}
	a.mu.Lock()
	key := a.key
	a.mu.Unlock()
	if err := signCavage(req, a.KeyID(), key, a.style.Algorithm, headers, queryless); err != nil {
		return nil, err
	}
	return client.Do(req)
}

// setHost sets the Host header a style sends: the URL's host, without the
// port when the style says so.
func setHost(req *http.Request, s Style) {
	req.Host = req.URL.Host
	if s.HostWithoutPort {
		req.Host = req.URL.Hostname()
	}
}

// SignMessage signs req with an RFC 9421 signature labelled sig1: the
// signature base of §2.5 over @method, @target-uri and content-digest,
// with created and keyid, RSASSA-PKCS1-v1_5 with SHA-256, the profile
// Mastodon 4.5 verifies.
func SignMessage(req *http.Request, keyID string, key *rsa.PrivateKey, at time.Time) error {
	params := fmt.Sprintf(`("@method" "@target-uri" "content-digest");created=%d;keyid="%s"`, at.Unix(), keyID)
	base := `"@method": ` + req.Method + "\n" +
		`"@target-uri": ` + req.URL.String() + "\n" +
		`"content-digest": ` + req.Header.Get("Content-Digest") + "\n" +
		`"@signature-params": ` + params
	sum := sha256.Sum256([]byte(base))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return err
	}
	req.Header.Set("Signature-Input", "sig1="+params)
	req.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(sig)+":")
	return nil
}

// SignCavage signs req (whose headers, Date included, are set) with key
// under keyID: the signing string of draft-cavage-12 §2.3 over style's
// POST header list, RSASSA-PKCS1-v1_5 with SHA-256.
func SignCavage(req *http.Request, keyID string, key *rsa.PrivateKey, style Style) error {
	headers := style.Headers
	if headers == nil {
		headers = []string{"(request-target)", "host", "date", "digest"}
	}
	return signCavage(req, keyID, key, style.Algorithm, headers, false)
}

// signCavage signs req over headers; host is the Host the request sends
// (req.Host, else the URL's), (request-target) the lowercased method and
// the path, with the query unless queryless.
func signCavage(req *http.Request, keyID string, key *rsa.PrivateKey, algorithm string, headers []string, queryless bool) error {
	var lines []string
	for _, h := range headers {
		switch h {
		case "(request-target)":
			target := req.URL.RequestURI()
			if queryless {
				target = req.URL.EscapedPath()
			}
			lines = append(lines, h+": "+strings.ToLower(req.Method)+" "+target)
		case "host":
			host := req.Host
			if host == "" {
				host = req.URL.Host
			}
			lines = append(lines, "host: "+host)
		default:
			lines = append(lines, h+": "+req.Header.Get(h))
		}
	}
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return err
	}
	v := `keyId="` + keyID + `",`
	if algorithm != "" {
		v += `algorithm="` + algorithm + `",`
	}
	v += `headers="` + strings.Join(headers, " ") + `",signature="` + base64.StdEncoding.EncodeToString(sig) + `"`
	req.Header.Set("Signature", v)
	return nil
}
