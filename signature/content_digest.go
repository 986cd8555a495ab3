package signature

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"strings"
)

// ContentDigest returns the RFC 9530 Content-Digest header value for body:
// "sha-256=:BASE64:".
func ContentDigest(body []byte) string { return NewBody(body).contentDigest() }

// checkContentDigest checks Content-Digest values (RFC 9530 §2) against
// body: required when body is not empty, checked whenever present; other
// algorithms than sha-256 and sha-512 are ignored, but at least one of
// those must be present and every one must match.
func checkContentDigest(values []string, body []byte) error {
	if len(values) == 0 {
		if len(body) == 0 {
			return nil
		}
		return fmt.Errorf("%w: no Content-Digest header", ErrDigestMismatch)
	}
	members, err := parseDictionary(strings.Join(values, ", "))
	if err != nil {
		return fmt.Errorf("%w: Content-Digest: %w", ErrDigestMismatch, err)
	}
	found := false
	for _, m := range members {
		var want []byte
		switch m.key {
		case "sha-256":
			sum := sha256.Sum256(body)
			want = sum[:]
		case "sha-512":
			sum := sha512.Sum512(body)
			want = sum[:]
		default:
			continue
		}
		got, ok := m.item.value.([]byte)
		if !ok || m.isLst || !bytes.Equal(got, want) {
			return fmt.Errorf("%w: Content-Digest %s", ErrDigestMismatch, m.key)
		}
		found = true
	}
	if !found {
		return fmt.Errorf("%w: no sha-256 or sha-512 value in Content-Digest", ErrDigestMismatch)
	}
	return nil
}
