// Package signature signs and verifies HTTP Signatures as the fediverse uses
// them for server-to-server ActivityPub: draft-cavage-http-signatures-12 with
// RSA-SHA256 keys, a Date header and an RFC 3230 Digest of the body, in the
// shape Mastodon sends and accepts. The cryptography is delegated to
// github.com/go-fed/httpsig; this package owns parsing, policy (which headers
// must be signed, the Date window, the Digest) and error classification.
//
// All functions are safe for concurrent use.
package signature

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// Errors returned (wrapped) by Verify. Callers use errors.Is to map them to a
// response: ErrKeyUnavailable is usually the remote side's or the network's
// fault, the others mean the request is unsigned or badly signed.
var (
	// ErrNoSignature means the request has no Signature header.
	ErrNoSignature = errors.New("request is not signed")
	// ErrMalformed means the Signature header does not parse or lacks a
	// required parameter.
	ErrMalformed = errors.New("malformed signature header")
	// ErrMissingHeaders means the signature does not cover a header Herald
	// requires, or covers one the request does not have.
	ErrMissingHeaders = errors.New("signature does not cover required headers")
	// ErrStaleDate means the Date header is missing, unparsable or outside
	// the accepted window.
	ErrStaleDate = errors.New("signature date outside the accepted window")
	// ErrDigestMismatch means the Digest header is missing, has no SHA-256
	// value, or does not match the body.
	ErrDigestMismatch = errors.New("digest does not match body")
	// ErrUnsupportedAlgorithm means the signature algorithm or key type is
	// not RSA-SHA256.
	ErrUnsupportedAlgorithm = errors.New("unsupported signature algorithm")
	// ErrKeyUnavailable means the KeyResolver failed to produce a key.
	ErrKeyUnavailable = errors.New("signing key unavailable")
	// ErrInvalidSignature means the signature does not verify with the key.
	ErrInvalidSignature = errors.New("invalid signature")
)

// Algorithm names as they appear in the algorithm parameter.
const (
	// AlgorithmRSASHA256 is what Sign emits and what Mastodon expects.
	AlgorithmRSASHA256 = "rsa-sha256"
	// AlgorithmHS2019 is accepted on input; with an RSA key it means
	// RSA-SHA256 (draft-cavage-12 §2.1.3, as Mastodon treats it).
	AlgorithmHS2019 = "hs2019"
)

// Digest returns the RFC 3230 Digest header value for body:
// "SHA-256=" followed by the standard base64 of its SHA-256 hash.
func Digest(body []byte) string { return NewBody(body).digest() }

// Body is a request body to sign together with its SHA-256 hash, computed
// once: a fan-out signs thousands of requests that carry the same body.
type Body struct {
	bytes []byte
	sum   [sha256.Size]byte
}

// NewBody hashes b for signing. b must not change afterwards.
func NewBody(b []byte) Body { return Body{bytes: b, sum: sha256.Sum256(b)} }

// Bytes returns the body; callers must not modify it.
func (b Body) Bytes() []byte { return b.bytes }

// digest is the RFC 3230 Digest header value.
func (b Body) digest() string { return "SHA-256=" + base64.StdEncoding.EncodeToString(b.sum[:]) }

// contentDigest is the RFC 9530 Content-Digest header value.
func (b Body) contentDigest() string {
	return "sha-256=:" + base64.StdEncoding.EncodeToString(b.sum[:]) + ":"
}
