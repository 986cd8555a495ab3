package fedtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"maps"
	"os"
	"strings"
	"testing"
	"time"
)

// fedifyVector reads the Create that Fedify signed with a Mastodon LD
// signature (testdata/ldsig/fedify.json, made by
// interop/fedify/ldsig-vector.mjs) and its signer's public key.
func fedifyVector(t *testing.T) (map[string]any, *rsa.PublicKey) {
	t.Helper()
	raw, err := os.ReadFile("testdata/ldsig/fedify.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Document     map[string]any `json:"document"`
		PublicKeyPem string         `json:"publicKeyPem"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(v.PublicKeyPem))
	if block == nil {
		t.Fatal("no PEM in the vector")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return v.Document, pub.(*rsa.PublicKey)
}

// TestVerifyLDFedifyVector checks fedtest's verifier against a signature
// made by Fedify, an independent implementation: it verifies as signed and
// fails once the signed content, the addressing or the signature options
// change.
func TestVerifyLDFedifyVector(t *testing.T) {
	doc, pub := fedifyVector(t)
	if err := VerifyLD(doc, pub); err != nil {
		t.Fatalf("Fedify's signature: %v", err)
	}
	tampers := map[string]func(map[string]any){
		"content": func(d map[string]any) {
			obj := maps.Clone(d["object"].(map[string]any))
			obj["content"] = "<p>Forged.</p>"
			d["object"] = obj
		},
		"to": func(d map[string]any) { d["to"] = []any{"https://news.example/users/news/followers"} },
		"created": func(d map[string]any) {
			sig := maps.Clone(d["signature"].(map[string]any))
			sig["created"] = "2020-01-01T00:00:00Z"
			d["signature"] = sig
		},
	}
	for name, tamper := range tampers {
		t.Run(name, func(t *testing.T) {
			forged := maps.Clone(doc)
			tamper(forged)
			if err := VerifyLD(forged, pub); err == nil || !strings.Contains(err.Error(), "does not verify") {
				t.Fatalf("a changed %s verified: %v", name, err)
			}
		})
	}
}

// TestSignLD round-trips fedtest's signer through its verifier, and checks
// that another key, another signature type and an uncached context fail.
func TestSignLD(t *testing.T) {
	doc, _ := fedifyVector(t)
	delete(doc, "signature")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := SignLD(doc, "https://news.example/users/news#main-key", key, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyLD(signed, &key.PublicKey); err != nil {
		t.Fatalf("own signature: %v", err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	if err := VerifyLD(signed, &other.PublicKey); err == nil {
		t.Error("verified with another key")
	}
	typed := maps.Clone(signed)
	sig := maps.Clone(signed["signature"].(map[string]any))
	sig["type"] = "Ed25519Signature2018"
	typed["signature"] = sig
	if err := VerifyLD(typed, &key.PublicKey); err == nil || !strings.Contains(err.Error(), "RsaSignature2017") {
		t.Errorf("another signature type: %v", err)
	}
	unknown := maps.Clone(doc)
	unknown["@context"] = []any{"https://www.w3.org/ns/activitystreams", "https://example.com/ns"}
	if _, err := SignLD(unknown, "https://news.example/users/news#main-key", key, time.Now()); err == nil ||
		!strings.Contains(err.Error(), "not cached") {
		t.Errorf("an uncached context: %v", err)
	}
}
