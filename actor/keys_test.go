package actor

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

func TestGenerateKeyRoundTrip(t *testing.T) {
	raw, err := GenerateKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	if block, _ := pem.Decode(raw); block == nil || block.Type != "PRIVATE KEY" {
		t.Fatalf("GenerateKeyPEM wrote %q, want a PKCS#8 PRIVATE KEY block", raw)
	}
	key, err := ParsePrivateKeyPEM(raw)
	if err != nil {
		t.Fatal(err)
	}
	if bits := key.N.BitLen(); bits != KeyBits || KeyBits != 2048 {
		t.Errorf("key has %d bits, want 2048", bits)
	}
	if err := key.Validate(); err != nil {
		t.Error(err)
	}
	pubPEM, err := PublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pubPEM, "-----BEGIN PUBLIC KEY-----\n") {
		t.Errorf("PublicKeyPEM is not PKIX: %q", pubPEM)
	}
	pub, err := ParsePublicKeyPEM(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !key.PublicKey.Equal(pub) {
		t.Error("public key does not survive PublicKeyPEM → ParsePublicKeyPEM")
	}
}

func TestParsePrivateKeyPEMFixture(t *testing.T) {
	key, err := ParsePrivateKeyPEM(readTestdata(t, "actor_key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	again, err := ParsePrivateKeyPEM(pkcs1)
	if err != nil {
		t.Fatalf("PKCS#1 private key: %v", err)
	}
	if !key.Equal(again) {
		t.Error("PKCS#1 and PKCS#8 encodings of one key differ")
	}
}

func TestParsePublicKeyPEM(t *testing.T) {
	key, err := ParsePrivateKeyPEM(readTestdata(t, "actor_key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pkix, _ := PublicKeyPEM(&key.PublicKey)
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)}))
	for name, in := range map[string]string{
		"PKIX":                    pkix,
		"PKCS#1 RSA PUBLIC KEY":   pkcs1,
		"leading text, CRLF ends": "key:\r\n" + strings.ReplaceAll(pkix, "\n", "\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			pub, err := ParsePublicKeyPEM(in)
			if err != nil {
				t.Fatal(err)
			}
			if rsaPub, ok := pub.(*rsa.PublicKey); !ok || !key.PublicKey.Equal(rsaPub) {
				t.Errorf("got %T, want the fixture's RSA key", pub)
			}
		})
	}
}

func TestKeyPEMRejectsGarbage(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER})
	garbage := map[string]string{
		"empty":         "",
		"not PEM":       "hello",
		"bad base64":    "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n",
		"wrong DER":     string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("not DER")})),
		"bad PKCS#1":    string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: []byte("not DER")})),
		"a certificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
	}
	for name, in := range garbage {
		t.Run("public "+name, func(t *testing.T) {
			if key, err := ParsePublicKeyPEM(in); err == nil {
				t.Errorf("ParsePublicKeyPEM accepted %T", key)
			}
		})
		t.Run("private "+name, func(t *testing.T) {
			if key, err := ParsePrivateKeyPEM([]byte(in)); err == nil {
				t.Errorf("ParsePrivateKeyPEM accepted %T", key)
			}
		})
	}
	if _, err := ParsePrivateKeyPEM(ecPEM); err == nil {
		t.Error("ParsePrivateKeyPEM accepted an ECDSA key")
	}
}
