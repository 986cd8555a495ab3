package ldsig_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"testing"

	"herald/ldsig"
)

// BenchmarkSign measures Sign on the golden Create next to the RSA-2048
// signature alone, the part of it that HTTP signing also pays, so the cost
// of normalization shows in one run.
func BenchmarkSign(b *testing.B) {
	key := newsKey(b)
	doc := golden(b, "create.json")
	b.Run("ldsig", func(b *testing.B) {
		for b.Loop() {
			if _, err := ldsig.Sign(doc, newsKeyID, key, signedAt); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rsa2048", func(b *testing.B) {
		digest := sha256.Sum256(doc)
		for b.Loop() {
			if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkVerify measures Verify on the signed golden Create.
func BenchmarkVerify(b *testing.B) {
	signed := sign(b, golden(b, "create.json"))
	pub := &newsKey(b).PublicKey
	for b.Loop() {
		if _, err := ldsig.Verify(signed, pub); err != nil {
			b.Fatal(err)
		}
	}
}
