package ldsig_test

import (
	"errors"
	"testing"

	"herald/ldsig"
)

// TestVerifyErrors: each way a document or its signature can be wrong gives
// its own error, from Verify and, for the signature's shape, from Creator.
func TestVerifyErrors(t *testing.T) {
	signed := sign(t, golden(t, "create.json"))
	key := &newsKey(t).PublicKey
	withSig := func(change func(s map[string]any)) []byte {
		return edit(t, signed, func(m map[string]any) { change(sigOf(m)) })
	}
	cases := []struct {
		name  string
		doc   []byte
		want  error
		shape bool // Creator finds it too
	}{
		{"not JSON", []byte("<html>not JSON</html>"), ldsig.ErrNotJSON, true},
		{"truncated JSON", signed[:len(signed)/2], ldsig.ErrNotJSON, true},
		{"JSON array", []byte(`[{"type":"Create"}]`), ldsig.ErrNotJSON, true},
		{"JSON null", []byte(`null`), ldsig.ErrNotJSON, true},
		{"unsigned", golden(t, "create.json"), ldsig.ErrNoSignature, true},
		{"signature null", edit(t, signed, func(m map[string]any) { m["signature"] = nil }), ldsig.ErrNoSignature, true},
		{"signature a string", edit(t, signed, func(m map[string]any) { m["signature"] = "abc" }), ldsig.ErrNoSignature, true},
		{"other type", withSig(func(s map[string]any) { s["type"] = "Ed25519Signature2018" }), ldsig.ErrType, true},
		{"no type", withSig(func(s map[string]any) { delete(s, "type") }), ldsig.ErrType, true},
		{"no creator", withSig(func(s map[string]any) { delete(s, "creator") }), ldsig.ErrMalformed, true},
		{"no signatureValue", withSig(func(s map[string]any) { delete(s, "signatureValue") }), ldsig.ErrMalformed, true},
		{"signatureValue not base64", withSig(func(s map[string]any) { s["signatureValue"] = "not*base64!" }), ldsig.ErrEncoding, true},
		{"invalid context", edit(t, signed, func(m map[string]any) { m["@context"] = 42 }), ldsig.ErrNormalize, false},
		{"invalid @id", edit(t, signed, func(m map[string]any) { m["id"] = []any{1, 2} }), ldsig.ErrNormalize, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ldsig.Verify(tc.doc, key); !errors.Is(err, tc.want) {
				t.Errorf("Verify: %v, want %v", err, tc.want)
			}
			_, err := ldsig.Creator(tc.doc)
			if tc.shape && !errors.Is(err, tc.want) {
				t.Errorf("Creator: %v, want %v", err, tc.want)
			}
			if !tc.shape && err != nil {
				t.Errorf("Creator: %v, want the creator", err)
			}
		})
	}
}

// TestSignErrors: Sign refuses what it cannot sign.
func TestSignErrors(t *testing.T) {
	key := newsKey(t)
	doc := golden(t, "create.json")
	cases := []struct {
		name  string
		doc   []byte
		keyID string
		want  error
	}{
		{"not JSON", []byte("not JSON"), newsKeyID, ldsig.ErrNotJSON},
		{"JSON string", []byte(`"Create"`), newsKeyID, ldsig.ErrNotJSON},
		{"invalid context", edit(t, doc, func(m map[string]any) { m["@context"] = 42 }), newsKeyID, ldsig.ErrNormalize},
		{"no key id", doc, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := ldsig.Sign(tc.doc, tc.keyID, key, signedAt)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("Sign = %s, %v; want %v", out, err, tc.want)
			}
		})
	}
	if _, err := ldsig.Sign(doc, newsKeyID, nil, signedAt); err == nil {
		t.Error("Sign without a key succeeded")
	}
	if _, err := ldsig.Verify(sign(t, doc), nil); err == nil {
		t.Error("Verify without a key succeeded")
	}
}
