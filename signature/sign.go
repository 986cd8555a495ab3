package signature

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-fed/httpsig"
)

// Signed header sets (draft-cavage-12 §2.1.6), in the order Mastodon uses.
// They are returned fresh by functions so no caller can change them.
func signedHeaders(hasBody bool) []string {
	if hasBody {
		return []string{requestTarget, "host", "date", "digest"}
	}
	return []string{requestTarget, "host", "date"}
}

// Sign signs req for ActivityPub server-to-server use with key, naming keyID
// (the actor's publicKey.id) in the signature.
//
// Sign owns the Host, Digest and Signature headers: it sets Host to the host
// the transport will send (req.Host, else req.URL.Host) in both req.Host and
// the header map; it sets Date to now (UTC, http.TimeFormat) unless req
// already has a Date; for a non-empty body it sets Digest to Digest(body) and
// signs "(request-target) host date digest", otherwise it removes any Digest
// and signs "(request-target) host date". The Signature header names
// algorithm="rsa-sha256". body must be exactly the bytes req will send; Sign
// does not set req.Body. A retry must be signed afresh with a fresh Date
// (remove the old Date or build a new request): receivers reject old dates.
//
// (request-target) is built from req.URL.RequestURI(), the escaped path and
// query as they go on the wire.
//
// Sign is safe for concurrent use with different requests.
func Sign(req *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	return SignBody(req, NewBody(body), keyID, key, now)
}

// SignBody is Sign for a body hashed beforehand (NewBody), so that many
// requests with the same body hash it once.
func SignBody(req *http.Request, body Body, keyID string, key *rsa.PrivateKey, now time.Time) error {
	if err := checkSignInput(req, keyID, key); err != nil {
		return fmt.Errorf("sign request: %w", err)
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	req.Header.Set("Host", req.Host)
	if req.Header.Get("Date") == "" {
		req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	}
	req.Header.Del("Digest")
	hasBody := len(body.bytes) > 0
	if hasBody {
		req.Header.Set("Digest", body.digest())
	}
	req.Header.Del("Signature")

	// httpsig.Signer is not safe for concurrent use; one per call is.
	signer, _, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256},
		httpsig.DigestSha256, signedHeaders(hasBody), httpsig.Signature, 0)
	if err != nil {
		return fmt.Errorf("sign request: new signer: %w", err)
	}
	// The view shares req's header map, so the Signature lands on req.
	// Passing a nil body stops httpsig adding a Digest of its own.
	if err := signer.SignRequest(key, keyID, wireView(req), nil); err != nil {
		return fmt.Errorf("sign request to %s: %w", req.URL.Redacted(), err)
	}
	// httpsig v1.1.0 always writes algorithm="hs2019"; Herald promises
	// rsa-sha256, which every fediverse server accepts, so re-emit it.
	p, err := parseParams(req.Header.Get("Signature"))
	if err != nil {
		return fmt.Errorf("sign request: reparse httpsig output: %w", err)
	}
	p.keyID, p.algorithm = keyID, AlgorithmRSASHA256
	req.Header.Set("Signature", p.format())
	return nil
}

// checkSignInput rejects arguments Sign cannot turn into a valid signature.
func checkSignInput(req *http.Request, keyID string, key *rsa.PrivateKey) error {
	switch {
	case req == nil || req.URL == nil:
		return errors.New("nil request or URL")
	case key == nil:
		return errors.New("nil key")
	case req.Host == "" && req.URL.Host == "":
		return errors.New("request has no host")
	case keyID == "":
		return errors.New("empty keyId")
	}
	for i := 0; i < len(keyID); i++ {
		if c := keyID[i]; c == '"' || c == '\\' || c < 0x20 || c == 0x7f {
			return fmt.Errorf("keyId %q contains a character that cannot be quoted", keyID)
		}
	}
	return nil
}

// wireView returns a shallow copy of req, sharing its header map, whose URL
// has the escaped path and the query exactly as req.URL.RequestURI() puts
// them on the wire. httpsig builds (request-target) from URL.Path, which is
// the decoded path, so without this view a path with escapes (such as
// /users/caf%C3%A9) would be signed in a form the receiver never sees.
func wireView(req *http.Request) *http.Request {
	return withTarget(req, req.URL.RequestURI())
}

// withTarget returns a shallow copy of req, sharing its header map, whose
// URL.Path and URL.RawQuery together spell target.
func withTarget(req *http.Request, target string) *http.Request {
	path, query, _ := strings.Cut(target, "?")
	r := *req
	r.URL = &url.URL{Path: path, RawQuery: query}
	return &r
}
