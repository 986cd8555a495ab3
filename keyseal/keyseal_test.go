package keyseal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

var testKey = bytes.Repeat([]byte{7}, KeySize)

func TestSealOpen(t *testing.T) {
	s, err := New(testKey)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n")
	sealed, err := s.Seal(plain, "news")
	if err != nil {
		t.Fatal(err)
	}
	if !IsSealed(sealed) || bytes.Contains(sealed, []byte("secret")) {
		t.Fatalf("sealed value %q", sealed)
	}
	again, _ := s.Seal(plain, "news")
	if bytes.Equal(sealed, again) {
		t.Fatal("two seals of the same value are equal: the nonce is not fresh")
	}
	got, err := s.Open(sealed, "news")
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open = %q, %v", got, err)
	}
	other, _ := New(bytes.Repeat([]byte{8}, KeySize))
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)-3] ^= 1
	tests := []struct {
		name   string
		s      *Sealer
		sealed []byte
		handle string
	}{
		{name: "another key", s: other, sealed: sealed, handle: "news"},
		{name: "another actor", s: s, sealed: sealed, handle: "weather"},
		{name: "tampered", s: s, sealed: tampered, handle: "news"},
		{name: "truncated", s: s, sealed: sealed[:len(prefix)+4], handle: "news"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.s.Open(tc.sealed, tc.handle); !errors.Is(err, ErrWrongKey) {
				t.Fatalf("err = %v, want ErrWrongKey", err)
			}
		})
	}
	if _, err := s.Open(plain, "news"); err == nil {
		t.Fatal("a plain value opened")
	}
}

func TestParseKey(t *testing.T) {
	tests := []struct {
		name, in string
		ok       bool
	}{
		{name: "hex", in: strings.Repeat("07", 32), ok: true},
		{name: "base64", in: base64.StdEncoding.EncodeToString(testKey), ok: true},
		{name: "base64 url raw", in: base64.RawURLEncoding.EncodeToString(testKey), ok: true},
		{name: "too short", in: strings.Repeat("07", 16)},
		{name: "garbage", in: "not a key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKey(tc.in)
			if (err == nil) != tc.ok || (tc.ok && !bytes.Equal(k, testKey)) {
				t.Fatalf("ParseKey = %x, %v", k, err)
			}
		})
	}
}
