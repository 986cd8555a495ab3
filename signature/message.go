package signature

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"net/http"
	"time"
)

// RFC 9421 algorithm names (§6.2.2).
const (
	AlgorithmRSAPSSSHA512 = "rsa-pss-sha512"
	AlgorithmRSAv15SHA256 = "rsa-v1_5-sha256"
	AlgorithmEd25519      = "ed25519"
	maxMessageSignatures  = 2 // labels tried per request
	maxCoveredComponents  = 32
)

// messageSignature is one labelled signature of a request (RFC 9421 §4).
type messageSignature struct {
	label      string
	components []sfItem
	params     []sfParam
	keyID, alg string
	created    int64
	expires    int64
	sig        []byte
}

// VerifyRequest verifies req with whichever HTTP signature scheme it
// carries: RFC 9421 HTTP Message Signatures when it has a Signature-Input
// header (VerifyMessage), else draft-cavage (Verify). A request is never
// checked under both.
func VerifyRequest(ctx context.Context, req *http.Request, body []byte, resolve KeyResolver, opts VerifyOptions) (Verified, error) {
	if req != nil && len(req.Header.Values("Signature-Input")) > 0 {
		return VerifyMessage(ctx, req, body, resolve, opts)
	}
	return Verify(ctx, req, body, resolve, opts)
}

// VerifyMessage checks the RFC 9421 signature of req, a server request
// whose body the caller has already read into body. The checks run cheapest
// first, as in Verify:
//
//  1. Signature-Input and Signature parse as RFC 8941 dictionaries and name
//     the same labels (ErrNoSignature, ErrMalformed); at most the first two
//     labels are tried, and the first that verifies wins;
//  2. the covered components include @method, the target (@target-uri,
//     @request-target, or @path with @authority or host) and, when body is
//     not empty, content-digest (ErrMissingHeaders);
//  3. created is present and within the window of opts, and expires, when
//     present, has not passed (ErrStaleDate);
//  4. Content-Digest (RFC 9530), required when body is not empty and
//     checked whenever present, has a sha-256 or sha-512 value matching body
//     (ErrDigestMismatch);
//  5. every covered component can be built into the signature base (§2.5;
//     ErrMalformed or ErrMissingHeaders);
//  6. resolve yields the key named by keyid (ErrKeyUnavailable), and the
//     signature verifies with alg — rsa-pss-sha512, rsa-v1_5-sha256 or
//     ed25519 — or, without alg, with the algorithms the key type allows
//     (ErrUnsupportedAlgorithm, ErrInvalidSignature).
//
// opts.Origin, when set, is the public origin used for @target-uri and
// @scheme (Herald usually runs behind a TLS-terminating proxy).
func VerifyMessage(ctx context.Context, req *http.Request, body []byte, resolve KeyResolver, opts VerifyOptions) (Verified, error) {
	sigs, err := messageSignatures(req)
	if err != nil {
		return Verified{}, err
	}
	var firstErr error
	for _, s := range sigs {
		v, err := verifyMessageSignature(ctx, req, body, s, resolve, opts)
		if err == nil {
			return v, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return Verified{}, firstErr
}

func verifyMessageSignature(ctx context.Context, req *http.Request, body []byte, s messageSignature, resolve KeyResolver, opts VerifyOptions) (Verified, error) {
	if err := checkMessageCoverage(s, len(body) > 0); err != nil {
		return Verified{}, err
	}
	created, err := checkCreated(s, opts)
	if err != nil {
		return Verified{}, err
	}
	if err := checkContentDigest(req.Header.Values("Content-Digest"), body); err != nil {
		return Verified{}, err
	}
	base, err := signatureBase(req, s, opts)
	if err != nil {
		return Verified{}, err
	}
	if resolve == nil {
		return Verified{}, fmt.Errorf("resolve key %s: %w: nil resolver", s.keyID, ErrKeyUnavailable)
	}
	pub, owner, err := resolve(ctx, s.keyID)
	if err != nil {
		return Verified{}, fmt.Errorf("resolve key %s: %w: %w", s.keyID, ErrKeyUnavailable, err)
	}
	if err := verifyBase(s.alg, pub, base, s.sig); err != nil {
		return Verified{}, fmt.Errorf("verify signature %s by %s: %w", s.label, s.keyID, err)
	}
	return Verified{KeyID: s.keyID, Owner: owner, Date: created, Signature: req.Header.Get("Signature")}, nil
}

// checkCreated enforces the created and expires parameters.
func checkCreated(s messageSignature, opts VerifyOptions) (time.Time, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	past, future := opts.window()
	if s.created == 0 {
		return time.Time{}, fmt.Errorf("%w: signature %s has no created parameter", ErrStaleDate, s.label)
	}
	created := time.Unix(s.created, 0).UTC()
	switch {
	case created.Before(now.Add(-past)):
		return time.Time{}, fmt.Errorf("%w: created %d is more than %v old", ErrStaleDate, s.created, past)
	case created.After(now.Add(future)):
		return time.Time{}, fmt.Errorf("%w: created %d is more than %v ahead", ErrStaleDate, s.created, future)
	case s.expires != 0 && !now.Before(time.Unix(s.expires, 0)):
		return time.Time{}, fmt.Errorf("%w: expired at %d", ErrStaleDate, s.expires)
	}
	return created, nil
}

// verifyBase checks sig over base with pub under alg ("" means: whatever
// the key type allows).
func verifyBase(alg string, pub crypto.PublicKey, base, sig []byte) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		h256, h512 := sha256.Sum256(base), sha512.Sum512(base)
		v15 := func() error { return rsa.VerifyPKCS1v15(k, crypto.SHA256, h256[:], sig) }
		pss := func() error {
			return rsa.VerifyPSS(k, crypto.SHA512, h512[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto, Hash: crypto.SHA512})
		}
		switch alg {
		case AlgorithmRSAv15SHA256:
			return wrapInvalid(v15())
		case AlgorithmRSAPSSSHA512:
			return wrapInvalid(pss())
		case "":
			if v15() == nil {
				return nil
			}
			return wrapInvalid(pss())
		}
	case ed25519.PublicKey:
		if alg == "" || alg == AlgorithmEd25519 {
			if len(k) == ed25519.PublicKeySize && ed25519.Verify(k, base, sig) {
				return nil
			}
			return ErrInvalidSignature
		}
	case nil:
		return fmt.Errorf("%w: resolver returned no key", ErrKeyUnavailable)
	}
	return fmt.Errorf("%w: %q with a %T key", ErrUnsupportedAlgorithm, alg, pub)
}

func wrapInvalid(err error) error {
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidSignature, err)
	}
	return nil
}
