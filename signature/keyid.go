package signature

import "net/http"

// KeyID returns the keyId of req's Signature header without verifying
// anything, so a server can turn away a blocked or rate-limited sender
// before spending a key fetch or an RSA operation on it. The value is
// unauthenticated: use it only to refuse, never to trust.
func KeyID(req *http.Request) (string, error) {
	p, err := signatureParams(req)
	if err != nil {
		return "", err
	}
	return p.keyID, nil
}
