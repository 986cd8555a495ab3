package ldsig_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"herald/apptest/node"
	"os/exec"
	"strings"
	"testing"
	"time"

	"herald/ldsig"
)

// fedifyDir holds the Node project that runs Fedify (.ci/run installs it
// with npm ci); ldsig.mjs there is the script this test runs.
const fedifyDir = "../interop/fedify"

// newsActor is the actor of the golden documents, the owner of newsKeyID.
const newsActor = "https://news.example.org/users/news"

// fedifyInput is what ldsig.mjs reads on stdin.
type fedifyInput struct {
	Actor         string                     `json:"actor"`
	KeyID         string                     `json:"keyId"`
	PublicKeyPem  string                     `json:"publicKeyPem"`
	PrivateKeyPem string                     `json:"privateKeyPem"`
	Created       string                     `json:"created"`
	Verify        map[string]json.RawMessage `json:"verify"`
	Sign          map[string]json.RawMessage `json:"sign"`
}

// fedifyOutput is what ldsig.mjs writes on stdout.
type fedifyOutput struct {
	Verified map[string]bool            `json:"verified"`
	Signed   map[string]json.RawMessage `json:"signed"`
}

// TestFedifyLDSignatures checks ldsig against Fedify's signJsonLd and
// verifyJsonLd, an independent implementation (jsonld.js, rdf-canonize),
// on Herald's real Create and Update and a Delete: Fedify verifies what
// Sign made and refuses it tampered; Verify accepts what Fedify signed, and
// Fedify's signatureValue for the same document, key and time is Sign's,
// byte for byte.
func TestFedifyLDSignatures(t *testing.T) {
	node := fedifyNode(t)
	in := newFedifyInput(t)
	signed := map[string][]byte{}
	for _, name := range []string{"create.json", "update.json"} {
		signed[name] = sign(t, golden(t, name))
		in.Verify[name] = signed[name]
	}
	// The golden Delete's formerType "Note" is a relative IRI (the
	// ActivityStreams context types formerType @id). Normalization drops
	// that triple, in json-gold as in Mastodon's json-ld, but Fedify
	// canonicalizes in jsonld.js's safe mode, which refuses the document.
	// With the IRI absolute, Fedify verifies Herald's signed Delete.
	in.Verify["delete.json, formerType as:Note"] = sign(t, edit(t, golden(t, "delete.json"), func(m map[string]any) {
		objectOf(m)["formerType"] = "as:Note"
	}))
	in.Verify["create tampered content"] = edit(t, signed["create.json"], func(m map[string]any) {
		objectOf(m)["content"] = "<p>Hijacked</p>"
	})
	in.Verify["create tampered actor"] = edit(t, signed["create.json"], func(m map[string]any) {
		m["actor"] = "https://news.example.org/users/other"
	})
	in.Sign["create.json"] = golden(t, "create.json")

	out := runFedify(t, node, in)
	for name, doc := range in.Verify {
		if !strings.Contains(name, "tampered") && !out.Verified[name] {
			t.Errorf("Fedify's verifyJsonLd refused Herald's signed %s:\n%s", name, doc)
		}
	}
	for _, name := range []string{"create tampered content", "create tampered actor"} {
		if v, ok := out.Verified[name]; !ok || v {
			t.Errorf("Fedify's verifyJsonLd on %s = %v (answered %v), want false", name, v, ok)
		}
	}

	bySigner := out.Signed["create.json"]
	if creator, err := ldsig.Verify(bySigner, &newsKey(t).PublicKey); err != nil || creator != newsKeyID {
		t.Fatalf("Verify of Fedify's signed Create = %q, %v:\n%s", creator, err, bySigner)
	}
	fedify, herald := sigOf(decode(t, bySigner)), sigOf(decode(t, signed["create.json"]))
	if fedify["created"] != herald["created"] || fedify["signatureValue"] != herald["signatureValue"] {
		t.Errorf("Fedify signed the same Create at the same time differently:\nFedify %v\nHerald %v", fedify, herald)
	}
}

// newFedifyInput has the news actor's keys and signedAt, and nothing to
// verify or sign yet.
func newFedifyInput(t *testing.T) fedifyInput {
	t.Helper()
	spki, err := x509.MarshalPKIXPublicKey(&newsKey(t).PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return fedifyInput{
		Actor:         newsActor,
		KeyID:         newsKeyID,
		PublicKeyPem:  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})),
		PrivateKeyPem: string(readFile(t, "../actor/testdata/actor_key.pem")),
		Created:       signedAt.Format("2006-01-02T15:04:05.000Z07:00"),
		Verify:        map[string]json.RawMessage{},
		Sign:          map[string]json.RawMessage{},
	}
}

// runFedify runs ldsig.mjs with node on in and returns what it wrote. Its
// stderr goes to the test log if it fails.
func runFedify(t *testing.T, node string, in fedifyInput) fedifyOutput {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stdin, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, "ldsig.mjs")
	cmd.Dir = fedifyDir
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node ldsig.mjs: %v\n%s", err, stderr.Bytes())
	}
	var out fedifyOutput
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("ldsig.mjs wrote %q: %v\n%s", stdout.Bytes(), err, stderr.Bytes())
	}
	return out
}

// fedifyNode returns the Node that runs Fedify (see package node).
func fedifyNode(t *testing.T) string { return node.Find(t, fedifyDir, "Fedify LD signature test") }
