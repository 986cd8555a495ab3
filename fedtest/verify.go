package fedtest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/go-fed/httpsig"
)

// maxSkew is how far Date may be from now, as in Mastodon.
const maxSkew = time.Hour

func (s *Server) serveInbox(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	d := Delivery{Path: r.URL.Path, Body: body, Header: withHost(r)}
	if err := json.Unmarshal(body, &d.Activity); err != nil {
		d.Problem = "body is not JSON: " + err.Error()
	} else {
		d.KeyID, d.Problem, d.KeyRefetched = s.verifySignature(r.Context(), r, body, true)
		if d.Problem == "" {
			d.Problem = checkOwner(d.Activity, d.KeyID)
		}
	}
	d.Verified = d.Problem == ""
	if d.Verified && s.CacheKeys {
		s.takeNewKey(d)
	}
	n := s.record(d, false)
	s.mu.Lock()
	reply, hook := s.inboxReply, s.onDelivery
	s.mu.Unlock()
	if hook != nil {
		hook(d)
	}
	status := http.StatusAccepted
	if !d.Verified {
		status = http.StatusUnauthorized
	} else if reply != nil {
		status = reply(n)
	}
	w.WriteHeader(status)
}

// checkOwner checks that the key belongs to the activity's actor: Herald
// keys are ACTOR#main-key.
func checkOwner(activity map[string]any, keyID string) string {
	actor, _ := activity["actor"].(string)
	if owner, _, _ := strings.Cut(keyID, "#"); owner != actor {
		return fmt.Sprintf("key %s does not belong to actor %s", keyID, actor)
	}
	return ""
}

// verifySignature checks r's draft-cavage signature as Mastodon does and
// returns the keyId and "" on success, or the problem.
func (s *Server) verifySignature(ctx context.Context, r *http.Request, body []byte, post bool) (keyID, problem string, refetched bool) {
	if !s.CacheKeys {
		keyID, problem = verifyRequest(ctx, r, body, post, s.fetchKey)
		return keyID, problem, false
	}
	keyID, problem = verifyRequest(ctx, r, body, post, s.cachedKey)
	if strings.HasPrefix(problem, "signature does not verify") {
		s.mu.Lock()
		delete(s.keys, keyID)
		s.mu.Unlock()
		keyID, problem = verifyRequest(ctx, r, body, post, s.cachedKey)
		return keyID, problem, problem == ""
	}
	return keyID, problem, false
}

// takeNewKey does what Mastodon does with a verified Update of the
// signer's own actor: the key it carries replaces the cached one, without a
// re-follow, because the Update was signed with the key already known.
func (s *Server) takeNewKey(d Delivery) {
	obj := d.Object()
	if d.Type() != "Update" || obj == nil || obj["id"] != d.Activity["actor"] {
		return
	}
	pk, _ := obj["publicKey"].(map[string]any)
	pemText, _ := pk["publicKeyPem"].(string)
	if pk["id"] != d.KeyID || pemText == "" {
		return
	}
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return
	}
	if pub, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		s.mu.Lock()
		s.keys[d.KeyID] = pub
		s.mu.Unlock()
	}
}

// cachedKey returns keyID's key from the cache, fetching it when absent.
func (s *Server) cachedKey(ctx context.Context, keyID string) (crypto.PublicKey, error) {
	s.mu.Lock()
	pub, ok := s.keys[keyID]
	s.mu.Unlock()
	if ok {
		return pub, nil
	}
	pub, err := s.fetchKey(ctx, keyID)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.keys[keyID] = pub
	s.mu.Unlock()
	return pub, nil
}

// keyFetcher returns the public key named keyID.
type keyFetcher func(ctx context.Context, keyID string) (crypto.PublicKey, error)

// verifyRequest checks r's draft-cavage signature as Mastodon does, getting
// the key from fetch, and returns the keyId and "" on success, or the problem.
func verifyRequest(ctx context.Context, r *http.Request, body []byte, post bool, fetch keyFetcher) (keyID, problem string) {
	req := r.Clone(ctx)
	req.Header = withHost(r)
	v, err := httpsig.NewVerifier(req)
	if err != nil {
		return "", "no usable signature: " + err.Error()
	}
	keyID = v.KeyId()
	sig := req.Header.Get("Signature")
	required := []string{"(request-target)", "host", "date"}
	if post {
		required = append(required, "digest")
	}
	for _, h := range required {
		if !strings.Contains(signedHeaders(sig), " "+h+" ") {
			return keyID, "header not signed: " + h
		}
	}
	date, err := http.ParseTime(req.Header.Get("Date"))
	if err != nil || time.Since(date) > maxSkew || time.Until(date) > maxSkew {
		return keyID, "Date missing or outside the window: " + req.Header.Get("Date")
	}
	if post {
		sum := sha256.Sum256(body)
		if want := "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:]); req.Header.Get("Digest") != want {
			return keyID, "Digest does not match body"
		}
		if ct := req.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/activity+json") && !strings.HasPrefix(ct, "application/ld+json") {
			return keyID, "Content-Type is " + ct
		}
	}
	pub, err := fetch(ctx, keyID)
	if err != nil {
		return keyID, err.Error()
	}
	if err := v.Verify(pub, httpsig.RSA_SHA256); err != nil {
		return keyID, "signature does not verify: " + err.Error()
	}
	return keyID, ""
}

// signedHeaders returns the headers="..." list of a Signature header, padded
// with spaces for whole-word matching.
func signedHeaders(sig string) string {
	_, rest, ok := strings.Cut(sig, `headers="`)
	if !ok {
		return " date "
	}
	list, _, _ := strings.Cut(rest, `"`)
	return " " + strings.ToLower(list) + " "
}

// fetchKey fetches keyID's document (the signer's actor) unsigned and
// returns its public key.
func (s *Server) fetchKey(ctx context.Context, keyID string) (crypto.PublicKey, error) {
	return fetchPublicKey(ctx, s.client, keyID)
}

// fetchPublicKey fetches keyID's document (the signer's actor) unsigned with
// client and returns its public key.
func fetchPublicKey(ctx context.Context, client *http.Client, keyID string) (crypto.PublicKey, error) {
	actorURL, _, _ := strings.Cut(keyID, "#")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, actorURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/activity+json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch key %s: %w", keyID, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch key %s: HTTP %d", keyID, resp.StatusCode)
	}
	var doc struct {
		PublicKey struct {
			ID           string `json:"id"`
			PublicKeyPem string `json:"publicKeyPem"`
		} `json:"publicKey"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("fetch key %s: %w", keyID, err)
	}
	if doc.PublicKey.ID != keyID {
		return nil, fmt.Errorf("actor publishes key %q, not %q", doc.PublicKey.ID, keyID)
	}
	block, _ := pem.Decode([]byte(doc.PublicKey.PublicKeyPem))
	if block == nil {
		return nil, fmt.Errorf("key %s: no PEM", keyID)
	}
	return x509.ParsePKIXPublicKey(block.Bytes)
}

// fetchSignerKey returns keyID's key as GoToSocial checks a signed GET:
// the signer's actor (fetched unsigned) must publish the key, and WebFinger
// of its preferredUsername at its host (port included) must lead back to it
// (checkWebFinger).
func fetchSignerKey(ctx context.Context, client *http.Client, keyID string) (crypto.PublicKey, error) {
	pub, err := fetchPublicKey(ctx, client, keyID)
	if err != nil {
		return nil, err
	}
	actorID, _, _ := strings.Cut(keyID, "#")
	var actor struct {
		ID                string `json:"id"`
		PreferredUsername string `json:"preferredUsername"`
	}
	if err := getJSON(ctx, client, actorID, "application/activity+json", &actor); err != nil {
		return nil, err
	}
	if err := checkWebFinger(ctx, client, "gotosocial", actor.ID, actor.PreferredUsername); err != nil {
		return nil, fmt.Errorf("signer %s: %w", actorID, err)
	}
	return pub, nil
}

// mentionName is GoToSocial's pattern of @USER@DOMAIN (regexes.MentionName):
// a user name of letters, digits, '.', '-' and '_'; a domain may add ':'.
var mentionName = regexp.MustCompile(`^@((?:\p{L}\p{M}*|\p{N}|\.|\-|\_)+)(?:@((?:\p{L}\p{M}*|\p{N}|\.|\-|\:)+))?$`)

// getJSON GETs u unsigned with Accept accept and decodes a 200 answer into v.
func getJSON(ctx context.Context, client *http.Client, u, accept string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", accept)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: HTTP %d", u, resp.StatusCode)
	}
	return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v)
}

// withHost returns r's headers with Host added: server requests carry the
// host in r.Host, but the signature covers it as a header.
func withHost(r *http.Request) http.Header {
	h := r.Header.Clone()
	h.Set("Host", r.Host)
	return h
}

// Post sends activity to inbox as alice, signed as Mastodon signs:
// rsa-sha256 over (request-target) host date digest.
func (s *Server) Post(ctx context.Context, inbox string, activity any) (*http.Response, error) {
	body, err := json.Marshal(activity)
	if err != nil {
		return nil, err
	}
	return s.PostRaw(ctx, inbox, body, time.Now(), nil)
}

// PostRaw sends body to inbox signed by alice with Date at. tamper, if not
// nil, may change the request after signing (to forge it).
func (s *Server) PostRaw(ctx context.Context, inbox string, body []byte, at time.Time, tamper func(*http.Request)) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/activity+json")
	if err := s.Sign(req, body, at); err != nil {
		return nil, err
	}
	if tamper != nil {
		tamper(req)
	}
	return s.client.Do(req)
}

// Sign signs req as alice at time at (with a Digest of body when body is not nil).
func (s *Server) Sign(req *http.Request, body []byte, at time.Time) error {
	req.Header.Set("Date", at.UTC().Format(http.TimeFormat))
	req.Header.Set("Host", req.URL.Host)
	headers := []string{httpsig.RequestTarget, "host", "date"}
	if body != nil {
		headers = append(headers, "digest")
	}
	signer, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		return err
	}
	return signer.SignRequest(s.key, s.KeyID(), req, body)
}
