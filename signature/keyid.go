package signature

import "net/http"

// KeyID returns the key id of req's signature without verifying anything
// — the keyid of the first RFC 9421 signature when there is a
// Signature-Input header, else the draft-cavage keyId — so a server can turn
// away a blocked or rate-limited sender before spending a key fetch or an
// RSA operation on it. The value is unauthenticated: use it only to refuse,
// never to trust.
func KeyID(req *http.Request) (string, error) {
	if req != nil && len(req.Header.Values("Signature-Input")) > 0 {
		sigs, err := messageSignatures(req)
		if err != nil {
			return "", err
		}
		return sigs[0].keyID, nil
	}
	p, err := signatureParams(req)
	if err != nil {
		return "", err
	}
	return p.keyID, nil
}
