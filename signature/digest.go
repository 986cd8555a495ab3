package signature

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// checkDigest checks the Digest header values (RFC 3230 §4.3.2) against body
// (step 4 of Verify). A Digest is required when body is not empty and checked
// whenever present. Algorithm names are case-insensitive; other algorithms
// than SHA-256 are ignored, but at least one SHA-256 value must be present and
// every SHA-256 value must match.
func checkDigest(values []string, body []byte) error {
	if len(values) == 0 {
		if len(body) == 0 {
			return nil
		}
		return fmt.Errorf("%w: no Digest header", ErrDigestMismatch)
	}
	sum := sha256.Sum256(body)
	found := false
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			algo, value, _ := strings.Cut(strings.TrimSpace(item), "=")
			if !strings.EqualFold(strings.TrimSpace(algo), "sha-256") {
				continue
			}
			got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
			if err != nil || !bytes.Equal(got, sum[:]) {
				return fmt.Errorf("%w: SHA-256 %q", ErrDigestMismatch, value)
			}
			found = true
		}
	}
	if !found {
		return fmt.Errorf("%w: no SHA-256 value in Digest", ErrDigestMismatch)
	}
	return nil
}
