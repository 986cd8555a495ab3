package signature

import (
	"context"
	"crypto"
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-fed/httpsig"
)

// KeyResolver returns the public key for keyID and the id of the actor that
// owns it (publicKey.owner). It is implemented by the caller, which fetches
// the remote actor (through the outbound client) or reads a cache.
type KeyResolver func(ctx context.Context, keyID string) (pub crypto.PublicKey, owner string, err error)

// Verified is what a valid signature proves: the request was signed by the
// key named KeyID, which the resolver said belongs to Owner. The caller must
// still check that Owner is the actor the request claims to act for.
type Verified struct {
	KeyID string
	Owner string
	// Date is the request's signed Date; Signature the raw Signature header
	// value (for replay detection: see ReplayCache).
	Date      time.Time
	Signature string
}

// Mastodon's window (app/controllers/concerns/signature_verification.rb):
// a Date is valid for 5 minutes plus a 1 hour clock-skew margin, and may be
// at most 1 hour in the future.
const (
	defaultMaxPast   = time.Hour + 5*time.Minute
	defaultMaxFuture = time.Hour
)

// VerifyOptions configure Verify.
type VerifyOptions struct {
	// Now is the clock; the zero value means time.Now().
	Now time.Time
	// MaxSkew, when positive, accepts a Date within ±MaxSkew of Now. Zero
	// means Mastodon's window: up to 1h5m in the past, up to 1h in the future.
	MaxSkew time.Duration
	// Origin is the server's public origin ("https://news.example.org"),
	// used for the @target-uri and @scheme components of RFC 9421
	// signatures; "" derives them from the request.
	Origin string
}

// ReplayWindow returns how long after its Date a signature stays valid
// under opts: how long a ReplayCache must remember it.
func (o VerifyOptions) ReplayWindow() time.Duration {
	past, _ := o.window()
	return past
}

// window returns how far in the past and in the future a Date may be.
func (o VerifyOptions) window() (past, future time.Duration) {
	if o.MaxSkew > 0 {
		return o.MaxSkew, o.MaxSkew
	}
	return defaultMaxPast, defaultMaxFuture
}

// Verify checks the draft-cavage-12 Signature header of req, a server
// request whose body the caller has already read into body. The checks run
// cheapest first, so a bad request never costs a key fetch:
//
//  1. a single Signature header is present (ErrNoSignature) and parses
//     (ErrMalformed);
//  2. it covers (request-target), host and date, and digest when body is not
//     empty, and every header it covers is present (ErrMissingHeaders);
//  3. Date parses and is within the window of opts (ErrStaleDate);
//  4. Digest, required when body is not empty and checked whenever present,
//     has a SHA-256 value matching body (ErrDigestMismatch);
//  5. algorithm is rsa-sha256, hs2019 or absent (ErrUnsupportedAlgorithm);
//  6. resolve yields a key (ErrKeyUnavailable, wrapping the resolver's
//     error), an RSA one (ErrUnsupportedAlgorithm), and the signature
//     verifies with RSA-SHA256 (ErrInvalidSignature).
//
// (request-target) is the lowercased method, a space and
// req.URL.RequestURI(); host is req.Host. Like Mastodon, Verify also accepts
// a (request-target) without the query string, which older Mastodon
// versions signed; the query of such a request is not authenticated.
//
// Verify does not modify req and is safe for concurrent use.
func Verify(ctx context.Context, req *http.Request, body []byte, resolve KeyResolver, opts VerifyOptions) (Verified, error) {
	p, err := signatureParams(req)
	if err != nil {
		return Verified{}, err
	}
	if err := checkCoverage(req, p, len(body) > 0); err != nil {
		return Verified{}, err
	}
	date, err := checkTime(req.Header.Get("Date"), p, opts)
	if err != nil {
		return Verified{}, err
	}
	if err := checkDigest(req.Header.Values("Digest"), body); err != nil {
		return Verified{}, err
	}
	switch p.algorithm {
	case "", AlgorithmRSASHA256, AlgorithmHS2019:
	default:
		return Verified{}, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, p.algorithm)
	}
	pub, owner, err := resolveKey(ctx, resolve, p.keyID)
	if err != nil {
		return Verified{}, err
	}
	if err := verifyRSA(req, p, pub); err != nil {
		return Verified{}, fmt.Errorf("verify signature by %s: %w", p.keyID, err)
	}
	return Verified{KeyID: p.keyID, Owner: owner, Date: date, Signature: req.Header.Get("Signature")}, nil
}

// signatureParams finds and parses the Signature header.
func signatureParams(req *http.Request) (params, error) {
	if req == nil || req.URL == nil {
		return params{}, fmt.Errorf("%w: nil request", ErrMalformed)
	}
	values := req.Header.Values("Signature")
	switch len(values) {
	case 0:
		return params{}, ErrNoSignature
	case 1:
		return parseParams(values[0])
	default:
		return params{}, fmt.Errorf("%w: %d Signature headers", ErrMalformed, len(values))
	}
}

// requestHost is the host a server request was sent to.
func requestHost(req *http.Request) string {
	if req.Host != "" {
		return req.Host
	}
	return req.URL.Host
}

// checkCoverage enforces the signed-header policy (step 2 of Verify).
func checkCoverage(req *http.Request, p params, hasBody bool) error {
	var missing []string
	for _, name := range signedHeaders(hasBody) {
		if !p.covers(name) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s not signed", ErrMissingHeaders, strings.Join(missing, ", "))
	}
	for _, name := range p.headers {
		switch {
		case strings.HasPrefix(name, "("):
		case name == "host" && requestHost(req) != "":
		case name != "host" && len(req.Header.Values(name)) > 0:
		default:
			return fmt.Errorf("%w: signed header %q absent from request", ErrMissingHeaders, name)
		}
	}
	return nil
}

// checkTime enforces the Date window, and the created and expires
// parameters when present (step 3 of Verify), and returns the Date.
func checkTime(date string, p params, opts VerifyOptions) (time.Time, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	past, future := opts.window()
	t, err := http.ParseTime(date)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: unparsable Date %q", ErrStaleDate, date)
	}
	switch {
	case t.Before(now.Add(-past)):
		return time.Time{}, fmt.Errorf("%w: Date %s is more than %v old", ErrStaleDate, date, past)
	case t.After(now.Add(future)):
		return time.Time{}, fmt.Errorf("%w: Date %s is more than %v ahead", ErrStaleDate, date, future)
	case p.created > 0 && time.Unix(p.created, 0).After(now.Add(future)):
		return time.Time{}, fmt.Errorf("%w: created %d is in the future", ErrStaleDate, p.created)
	case p.expires > 0 && now.After(time.Unix(p.expires, 0).Add(future)):
		return time.Time{}, fmt.Errorf("%w: expired at %d", ErrStaleDate, p.expires)
	}
	return t, nil
}

// resolveKey calls resolve and classifies its failure.
func resolveKey(ctx context.Context, resolve KeyResolver, keyID string) (*rsa.PublicKey, string, error) {
	if resolve == nil {
		return nil, "", fmt.Errorf("resolve key %s: %w: nil resolver", keyID, ErrKeyUnavailable)
	}
	pub, owner, err := resolve(ctx, keyID)
	if err != nil {
		return nil, "", fmt.Errorf("resolve key %s: %w: %w", keyID, ErrKeyUnavailable, err)
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k != nil {
			return k, owner, nil
		}
	case rsa.PublicKey:
		return &k, owner, nil
	case nil:
	default:
		return nil, "", fmt.Errorf("key %s: %w: key type %T", keyID, ErrUnsupportedAlgorithm, pub)
	}
	return nil, "", fmt.Errorf("resolve key %s: %w: resolver returned no key", keyID, ErrKeyUnavailable)
}

// verifyRSA checks the signature itself with go-fed/httpsig (step 6 of
// Verify), first against the full request target, then, if there is a
// query, against the path alone.
func verifyRSA(req *http.Request, p params, pub *rsa.PublicKey) error {
	target := req.URL.RequestURI()
	err := verifyTarget(req, p, pub, target)
	if err == nil {
		return nil
	}
	if path, _, ok := strings.Cut(target, "?"); ok && verifyTarget(req, p, pub, path) == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalidSignature, err)
}

// verifyTarget runs httpsig's verifier on a view of req built so that
// httpsig computes the signing string Verify means:
//   - httpsig builds (request-target) from URL.Path and URL.RawQuery, which
//     on a server request are the decoded path; the view carries target;
//   - httpsig writes Host into the header map it is given; the view has its
//     own copy, with Host set to the request's host;
//   - httpsig's own parser splits on ',' without honouring quotes and picks
//     the Authorization header if that mentions "signature"; the view has a
//     normalised Signature header (placeholder keyId, which is not signed)
//     and no Authorization header.
func verifyTarget(req *http.Request, p params, pub *rsa.PublicKey, target string) error {
	view := withTarget(req, target)
	view.Header = req.Header.Clone()
	view.Header.Del("Authorization")
	view.Header["Host"] = []string{requestHost(req)}
	norm := p
	norm.keyID, norm.algorithm = "k", ""
	view.Header.Set("Signature", norm.format())
	v, err := httpsig.NewVerifier(view)
	if err != nil {
		return err
	}
	if err := v.Verify(pub, httpsig.RSA_SHA256); err != nil {
		return err
	}
	return nil
}
