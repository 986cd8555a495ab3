package fedtest

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/piprate/json-gold/ld"
)

// contextFiles are the JSON-LD contexts Mastodon keeps preloaded for LD
// signatures (the activitystreams, security/v1 and identity/v1 documents
// its json-ld gem is given at boot, config/initializers/json_ld.rb). The
// copies are those of the npm package @fedify/vocab-runtime 2.3.6
// (src/contexts/activitystreams.json, security-v1.json, identity-v1.json;
// MIT), installed by `npm ci` in interop/fedify; identity/v1 is no longer
// served on the web, so a copy is the only way to canonicalise with it.
//
//go:embed contexts/*.json
var contextFiles embed.FS

// cachedContexts maps each preloaded context URL to its copy.
var cachedContexts = map[string]string{
	"https://www.w3.org/ns/activitystreams": "contexts/activitystreams.json",
	"https://w3id.org/security/v1":          "contexts/security-v1.json",
	"https://w3id.org/identity/v1":          "contexts/identity-v1.json",
}

// identityContext is the context of the signature options Mastodon hashes
// (ActivityPub::LinkedDataSignature::CONTEXT).
const identityContext = "https://w3id.org/identity/v1"

// offlineLoader serves the cached contexts and refuses every other URL:
// fedtest never fetches a context. (Mastodon fetches an unknown context
// and caches it for 30 days, JsonLdHelper#load_jsonld_context; a document
// that needs one fails here.)
type offlineLoader struct{}

// LoadDocument implements ld.DocumentLoader.
func (offlineLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	name, ok := cachedContexts[u]
	if !ok {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, "context not cached by fedtest: "+u)
	}
	raw, err := contextFiles.ReadFile(name)
	if err != nil {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, err)
	}
	doc, err := ld.DocumentFromReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

// ldHash is Mastodon's LinkedDataSignature#hash: the hex SHA-256 of the
// document's RDF dataset in URDNA2015 canonical N-Quads
// (JsonLdHelper#canonicalize: JSON::LD::API.toRdf, graph.dump(:normalize)).
func ldHash(doc map[string]any) (string, error) {
	opts := ld.NewJsonLdOptions("")
	opts.Format = "application/n-quads"
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.DocumentLoader = offlineLoader{}
	out, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		return "", fmt.Errorf("canonicalize: %w", err)
	}
	nquads, ok := out.(string)
	if !ok || nquads == "" {
		return "", errors.New("canonicalize: the document has no RDF statements")
	}
	sum := sha256.Sum256([]byte(nquads))
	return hex.EncodeToString(sum[:]), nil
}

// ldSigningInput is what an RsaSignature2017 signs: the hash of the
// signature options (the signature without type, id and signatureValue,
// in the identity/v1 context) followed by the hash of the document without
// its signature (LinkedDataSignature#verify_actor! and #sign!).
func ldSigningInput(doc, signature map[string]any) ([]byte, error) {
	options := maps.Clone(signature)
	for _, k := range []string{"type", "id", "signatureValue"} {
		delete(options, k)
	}
	options["@context"] = identityContext
	document := maps.Clone(doc)
	delete(document, "signature")
	optionsHash, err := ldHash(options)
	if err != nil {
		return nil, fmt.Errorf("signature options: %w", err)
	}
	documentHash, err := ldHash(document)
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	return []byte(optionsHash + documentHash), nil
}

// SignLD returns a copy of doc with a Mastodon LD signature
// (RsaSignature2017) by keyID: creator keyID, created at (whole seconds,
// as Mastodon's Time#iso8601), RSASSA-PKCS1-v1_5 with SHA-256 over
// ldSigningInput. It is fedtest's own signer, for tests of relayed
// activities; it does not use Herald's.
func SignLD(doc map[string]any, keyID string, key *rsa.PrivateKey, at time.Time) (map[string]any, error) {
	signature := map[string]any{"type": "RsaSignature2017", "creator": keyID,
		"created": at.UTC().Truncate(time.Second).Format(time.RFC3339)}
	input, err := ldSigningInput(doc, signature)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(input)
	value, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return nil, err
	}
	signature["signatureValue"] = base64.StdEncoding.EncodeToString(value)
	signed := maps.Clone(doc)
	signed["signature"] = signature
	return signed, nil
}

// VerifyLD checks doc's Mastodon LD signature with pub, as Mastodon's
// ActivityPub::LinkedDataSignature#verify_actor! does: a signature object
// of type RsaSignature2017 whose signatureValue verifies over
// ldSigningInput. Finding pub (the creator's key) is the caller's job.
func VerifyLD(doc map[string]any, pub *rsa.PublicKey) error {
	signature, _ := doc["signature"].(map[string]any)
	if signature == nil {
		return errors.New("no LD signature")
	}
	if t := str(signature["type"]); t != "RsaSignature2017" {
		return fmt.Errorf("LD signature of type %q, not RsaSignature2017", t)
	}
	value, err := base64.StdEncoding.DecodeString(str(signature["signatureValue"]))
	if err != nil || len(value) == 0 {
		return errors.New("LD signature without a base64 signatureValue")
	}
	input, err := ldSigningInput(doc, signature)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(input)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], value); err != nil {
		return errors.New("LD signature does not verify")
	}
	return nil
}
