package ldsig_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"reflect"
	"testing"
	"time"

	"herald/ldsig"
)

// TestSignVerifyGoldens signs Herald's Create, Update and Delete, checks the
// signature object and that the rest of each document is unchanged, and
// verifies the result.
func TestSignVerifyGoldens(t *testing.T) {
	key := newsKey(t)
	for _, name := range []string{"create.json", "update.json", "delete.json"} {
		t.Run(name, func(t *testing.T) {
			doc := golden(t, name)
			signed := sign(t, doc)
			got := decode(t, signed)
			want := map[string]any{
				"type":           ldsig.Type,
				"creator":        newsKeyID,
				"created":        "2024-05-01T12:30:00.123Z",
				"signatureValue": sigOf(got)["signatureValue"],
			}
			if !reflect.DeepEqual(sigOf(got), want) {
				t.Errorf("signature = %v, want %v", sigOf(got), want)
			}
			delete(got, "signature")
			if !reflect.DeepEqual(got, decode(t, doc)) {
				t.Errorf("signing changed the document:\n%s", signed)
			}
			if creator, err := ldsig.Verify(signed, &key.PublicKey); err != nil || creator != newsKeyID {
				t.Errorf("Verify = %q, %v; want %q", creator, err, newsKeyID)
			}
			if creator, err := ldsig.Creator(signed); err != nil || creator != newsKeyID {
				t.Errorf("Creator = %q, %v; want %q", creator, err, newsKeyID)
			}
			if again := sign(t, doc); !bytes.Equal(again, signed) {
				t.Errorf("signing twice differs:\n%s\n%s", signed, again)
			}
		})
	}
}

// TestSignReplacesSignature: signing a signed document replaces the old
// signature rather than signing over it.
func TestSignReplacesSignature(t *testing.T) {
	key := newsKey(t)
	first := sign(t, golden(t, "create.json"))
	later := signedAt.Add(time.Hour).In(time.FixedZone("CEST", 2*3600))
	again, err := ldsig.Sign(first, newsKeyID, key, later)
	if err != nil {
		t.Fatal(err)
	}
	if got := sigOf(decode(t, again))["created"]; got != "2024-05-01T13:30:00.123Z" {
		t.Errorf("created = %v, want the new time in UTC", got)
	}
	if _, err := ldsig.Verify(again, &key.PublicKey); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

// TestVerifyMastodon verifies a Create that a real Mastodon signed in 2018
// (testdata/README.md), with its actor's published key: the hashes match
// Mastodon's byte for byte.
func TestVerifyMastodon(t *testing.T) {
	doc := readFile(t, "testdata/mastodon_create_2018.json")
	key := publicKey(t, "testdata/mastodon_create_2018_key.pem")
	const want = "https://innocent.yukimochi.io/users/YUKIMOCHI#main-key"
	if creator, err := ldsig.Verify(doc, key); err != nil || creator != want {
		t.Fatalf("Verify = %q, %v; want %q", creator, err, want)
	}
	tampered := edit(t, doc, func(m map[string]any) { objectOf(m)["content"] = "<p>spoofed</p>" })
	if _, err := ldsig.Verify(tampered, key); !errors.Is(err, ldsig.ErrMismatch) {
		t.Errorf("Verify of the changed content: %v, want ErrMismatch", err)
	}
}

// TestVerifyTampered: any change to what the signature covers, or to the
// signature, fails with ErrMismatch.
func TestVerifyTampered(t *testing.T) {
	signed := sign(t, golden(t, "create.json"))
	key := &newsKey(t).PublicKey
	cases := []struct {
		name   string
		change func(m map[string]any)
	}{
		{"content", func(m map[string]any) { objectOf(m)["content"] = "<p>Hijacked</p>" }},
		{"actor", func(m map[string]any) { m["actor"] = "https://evil.example/users/mallory" }},
		{"object attributedTo", func(m map[string]any) { objectOf(m)["attributedTo"] = "https://evil.example/users/mallory" }},
		{"audience", func(m map[string]any) { m["to"] = []any{"https://news.example.org/users/news/followers"} }},
		{"published", func(m map[string]any) { m["published"] = "2024-05-02T12:00:00Z" }},
		{"context dropped", func(m map[string]any) { m["@context"] = "https://www.w3.org/ns/activitystreams" }},
		{"signature creator", func(m map[string]any) { sigOf(m)["creator"] = "https://evil.example/users/mallory#main-key" }},
		{"signature created", func(m map[string]any) { sigOf(m)["created"] = "2024-05-01T12:30:01.123Z" }},
		{"signature option added", func(m map[string]any) { sigOf(m)["nonce"] = "abc" }},
		{"signatureValue", func(m map[string]any) {
			v, _ := base64.StdEncoding.DecodeString(sigOf(m)["signatureValue"].(string))
			v[len(v)/2] ^= 0x01
			sigOf(m)["signatureValue"] = base64.StdEncoding.EncodeToString(v)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ldsig.Verify(edit(t, signed, tc.change), key)
			if !errors.Is(err, ldsig.ErrMismatch) {
				t.Errorf("Verify: %v, want ErrMismatch", err)
			}
		})
	}
	t.Run("other key", func(t *testing.T) {
		if _, err := ldsig.Verify(signed, &otherKey(t).PublicKey); !errors.Is(err, ldsig.ErrMismatch) {
			t.Errorf("Verify: %v, want ErrMismatch", err)
		}
	})
}

// TestVerifyIgnoresUndefinedTerms pins the limit Verify documents, as in
// Mastodon: a property that no context defines is not signed.
func TestVerifyIgnoresUndefinedTerms(t *testing.T) {
	signed := sign(t, golden(t, "create.json"))
	changed := edit(t, signed, func(m map[string]any) { objectOf(m)["notInAnyContext"] = "added later" })
	if _, err := ldsig.Verify(changed, &newsKey(t).PublicKey); err != nil {
		t.Errorf("Verify: %v; an undefined term is dropped by normalization", err)
	}
}
