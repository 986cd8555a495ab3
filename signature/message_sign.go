package signature

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"time"
)

// SignMessage signs req with an RFC 9421 HTTP Message Signature, in the
// profile Mastodon 4.5 verifies: label sig1 covering "@method",
// "@target-uri" and, for a non-empty body, "content-digest" (set here to
// ContentDigest(body)); parameters created (now), keyid and
// alg="rsa-v1_5-sha256". It is for peers that refuse draft-cavage; Sign
// stays the default, and a request must never carry both (Sign's Signature
// header would be overwritten).
//
// @target-uri is req.URL as it goes on the wire (scheme, host, escaped
// path and query). body must be exactly the bytes req will send. SignMessage
// is safe for concurrent use with different requests.
func SignMessage(req *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	return SignMessageBody(req, NewBody(body), keyID, key, now)
}

// SignMessageBody is SignMessage for a body hashed beforehand (NewBody).
func SignMessageBody(req *http.Request, body Body, keyID string, key *rsa.PrivateKey, now time.Time) error {
	if err := checkSignInput(req, keyID, key); err != nil {
		return fmt.Errorf("sign message: %w", err)
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	req.Header.Del("Digest")
	req.Header.Del("Content-Digest")
	components := []sfItem{{value: "@method"}, {value: "@target-uri"}}
	if len(body.bytes) > 0 {
		req.Header.Set("Content-Digest", body.contentDigest())
		components = append(components, sfItem{value: "content-digest"})
	}
	s := messageSignature{
		label: "sig1", components: components, keyID: keyID, alg: AlgorithmRSAv15SHA256, created: now.Unix(),
		params: []sfParam{{key: "created", value: now.Unix()}, {key: "keyid", value: keyID}, {key: "alg", value: AlgorithmRSAv15SHA256}},
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	origin := req.URL.Scheme + "://" + host
	view := *req
	view.Host = host
	base, err := signatureBase(&view, s, VerifyOptions{Origin: origin})
	if err != nil {
		return fmt.Errorf("sign message: %w", err)
	}
	sum := sha256.Sum256(base)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return fmt.Errorf("sign message to %s: %w", req.URL.Redacted(), err)
	}
	req.Header.Set("Signature-Input", "sig1="+signatureParamsValue(s))
	req.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(sig)+":")
	return nil
}
