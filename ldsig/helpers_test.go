package ldsig_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"herald/ldsig"
)

// newsKeyID names the key of Herald's golden documents' actor.
const newsKeyID = "https://news.example.org/users/news#main-key"

// signedAt is the fixed signing time of the tests; it has milliseconds so
// that every implementation writes it the same way.
var signedAt = time.Date(2024, time.May, 1, 12, 30, 0, 123_000_000, time.UTC)

// goldenDir holds the documents Herald emits (actor's golden files).
const goldenDir = "../actor/testdata/golden"

// readFile reads a test file or fails the test.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// golden is one of Herald's golden documents, e.g. "create.json".
func golden(t testing.TB, name string) []byte {
	t.Helper()
	return readFile(t, filepath.Join(goldenDir, name))
}

// pemBlock decodes the one PEM block of the file at path.
func pemBlock(t testing.TB, path string) []byte {
	t.Helper()
	block, _ := pem.Decode(readFile(t, path))
	if block == nil {
		t.Fatalf("%s: no PEM block", path)
	}
	return block.Bytes
}

// privateKey reads a PKCS #8 RSA private key.
func privateKey(t testing.TB, path string) *rsa.PrivateKey {
	t.Helper()
	k, err := x509.ParsePKCS8PrivateKey(pemBlock(t, path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		t.Fatalf("%s: %T is not an RSA key", path, k)
	}
	return rk
}

// publicKey reads a PKIX RSA public key.
func publicKey(t testing.TB, path string) *rsa.PublicKey {
	t.Helper()
	k, err := x509.ParsePKIXPublicKey(pemBlock(t, path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		t.Fatalf("%s: %T is not an RSA key", path, k)
	}
	return rk
}

// newsKey is the key of the golden documents' actor (actor's testdata).
func newsKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	return privateKey(t, "../actor/testdata/actor_key.pem")
}

// otherKey is an RSA-2048 key that signed none of the documents.
func otherKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	return privateKey(t, "testdata/other_key.pem")
}

// sign signs doc with the news key at signedAt or fails the test.
func sign(t testing.TB, doc []byte) []byte {
	t.Helper()
	signed, err := ldsig.Sign(doc, newsKeyID, newsKey(t), signedAt)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return signed
}

// decode parses a JSON object or fails the test.
func decode(t testing.TB, doc []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatalf("decode %s: %v", doc, err)
	}
	return m
}

// edit returns doc changed by change.
func edit(t testing.TB, doc []byte, change func(m map[string]any)) []byte {
	t.Helper()
	m := decode(t, doc)
	change(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sigOf is the signature object of a decoded document.
func sigOf(m map[string]any) map[string]any {
	s, _ := m["signature"].(map[string]any)
	return s
}

// objectOf is the embedded object of a decoded activity.
func objectOf(m map[string]any) map[string]any {
	o, _ := m["object"].(map[string]any)
	return o
}
