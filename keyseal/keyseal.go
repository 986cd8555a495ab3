// Package keyseal encrypts actors' private keys at rest (AES-256-GCM) under
// a key the operator keeps outside the database, so that a copied database
// file or backup does not hand out the keys that sign as the institution.
package keyseal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// prefix marks a sealed value; the version allows another scheme later.
const prefix = "herald-sealed-v1:"

// KeySize is the size of the key-encryption key: 32 bytes (AES-256).
const KeySize = 32

// ErrWrongKey is returned when a sealed value does not open with the key
// (another key, or a value that was tampered with).
var ErrWrongKey = errors.New("sealed key does not open with this key-encryption key")

// Sealer seals and opens values. It is safe for concurrent use.
type Sealer struct {
	aead cipher.AEAD
}

// ParseKey reads a key-encryption key written as 64 hex digits or as
// base64 (standard or URL alphabet, padded or not) of 32 bytes, e.g. the
// output of `openssl rand -hex 32`.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == KeySize {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	return nil, fmt.Errorf("key-encryption key: want %d bytes as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)", KeySize)
}

// New returns a Sealer for key (KeySize bytes).
func New(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("key-encryption key: %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// IsSealed reports whether v is a sealed value.
func IsSealed(v []byte) bool { return bytes.HasPrefix(v, []byte(prefix)) }

// Seal encrypts plain, bound to name (the actor's handle: a sealed key moved
// to another actor does not open).
func (s *Sealer) Seal(plain []byte, name string) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	ct := s.aead.Seal(nonce, nonce, plain, []byte(name))
	return []byte(prefix + base64.StdEncoding.EncodeToString(ct)), nil
}

// Open decrypts a value sealed for name.
func (s *Sealer) Open(sealed []byte, name string) ([]byte, error) {
	if !IsSealed(sealed) {
		return nil, errors.New("open: not a sealed value")
	}
	raw, err := base64.StdEncoding.DecodeString(string(sealed[len(prefix):]))
	if err != nil || len(raw) < s.aead.NonceSize() {
		return nil, fmt.Errorf("open: %w", ErrWrongKey)
	}
	nonce, ct := raw[:s.aead.NonceSize()], raw[s.aead.NonceSize():]
	plain, err := s.aead.Open(nil, nonce, ct, []byte(name))
	if err != nil {
		return nil, fmt.Errorf("open: %w", ErrWrongKey)
	}
	return plain, nil
}
