// Package ldsig signs and verifies activities with Mastodon's Linked Data
// Signatures (type RsaSignature2017), as FEP-ae0c "Mastodon LD Signatures"
// describes them and Mastodon's ActivityPub::LinkedDataSignature computes
// them. A Mastodon-style relay forwards an activity unchanged, signed over
// HTTP by the relay; Mastodon then accepts a Create, Update or Delete whose
// actor is not the HTTP signer only if the activity carries such a
// signature.
//
// The signed message is the SHA-256 hex digest of the URDNA2015-normalized
// signature options (creator and created, in the context
// https://w3id.org/identity/v1) followed by the SHA-256 hex digest of the
// normalized activity without its signature; it is signed with RSA-SHA256
// (PKCS #1 v1.5) and the signature is base64 in signatureValue.
//
// Normalization expands the document's JSON-LD contexts with an offline
// loader: the contexts Mastodon keeps preloaded are embedded here
// (contexts/README.md), and a document naming any other remote context is
// refused with ErrUnknownContext, never fetched. The package has no state;
// its functions are safe for concurrent use.
package ldsig

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/piprate/json-gold/ld"
)

// Type is the signature type Mastodon signs and verifies.
const Type = "RsaSignature2017"

// createdLayout writes created as Fedify and the FEP's example do: RFC 3339
// in UTC with milliseconds.
const createdLayout = "2006-01-02T15:04:05.000Z07:00"

// Errors that Sign, Verify and Creator return, wrapped with details.
var (
	// ErrNotJSON: the document is not a JSON object.
	ErrNotJSON = errors.New("ldsig: not a JSON object")
	// ErrNoSignature: the document has no signature object.
	ErrNoSignature = errors.New("ldsig: no signature")
	// ErrType: the signature's type is not RsaSignature2017.
	ErrType = errors.New("ldsig: signature type is not " + Type)
	// ErrMalformed: the signature lacks its creator or signatureValue.
	ErrMalformed = errors.New("ldsig: malformed signature")
	// ErrEncoding: the signatureValue is not standard base64.
	ErrEncoding = errors.New("ldsig: signatureValue is not base64")
	// ErrMismatch: the signature does not match the document and key.
	ErrMismatch = errors.New("ldsig: signature does not match")
	// ErrNormalize: the document or the signature options cannot be
	// normalized (invalid JSON-LD, or a context that is not embedded).
	ErrNormalize = errors.New("ldsig: cannot normalize")
	// ErrUnknownContext: the document names a remote JSON-LD context that
	// is not embedded; it always comes wrapped in ErrNormalize.
	ErrUnknownContext = errors.New("ldsig: remote JSON-LD context not embedded")
)

// signature is the signature object Sign adds.
type signature struct {
	Type           string `json:"type"`
	Creator        string `json:"creator"`
	Created        string `json:"created"`
	SignatureValue string `json:"signatureValue"`
}

// Sign returns activity with a signature object by the key keyID names,
// made at created, replacing any signature it had. The other top-level
// properties keep their JSON values; their order may change (keys come out
// sorted).
func Sign(activity []byte, keyID string, key *rsa.PrivateKey, created time.Time) ([]byte, error) {
	if key == nil || keyID == "" {
		return nil, errors.New("ldsig: sign: key and key id are required")
	}
	doc, err := decodeObject(activity)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(activity, &fields); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	sig := signature{Type: Type, Creator: keyID, Created: created.UTC().Format(createdLayout)}
	delete(doc, "signature")
	digest, err := message(map[string]any{"creator": sig.Creator, "created": sig.Created}, doc)
	if err != nil {
		return nil, err
	}
	value, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest)
	if err != nil {
		return nil, fmt.Errorf("ldsig: sign: %w", err)
	}
	sig.SignatureValue = base64.StdEncoding.EncodeToString(value)
	if fields["signature"], err = encode(sig); err != nil {
		return nil, err
	}
	return encode(fields)
}

// Verify checks the activity's signature with key and returns its creator,
// the key id the caller should have resolved to key (Creator reads it
// first). As in Mastodon, the signature options are the signature object
// without type, id and signatureValue. Only what the document's contexts
// define is signed: a property no context defines is dropped by
// normalization, so it can change without breaking the signature.
func Verify(activity []byte, key *rsa.PublicKey) (creator string, err error) {
	if key == nil {
		return "", errors.New("ldsig: verify: key is required")
	}
	doc, err := decodeObject(activity)
	if err != nil {
		return "", err
	}
	sig, err := readSignature(doc)
	if err != nil {
		return "", err
	}
	delete(doc, "signature")
	digest, err := message(sig.options, doc)
	if err != nil {
		return "", err
	}
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest, sig.value); err != nil {
		return "", fmt.Errorf("%w (creator %s)", ErrMismatch, sig.creator)
	}
	return sig.creator, nil
}

// Creator returns the key id that made the activity's signature, after
// checking the signature's shape (type, creator, base64 value), so a
// caller can resolve the key before Verify without fetching keys for
// signatures that cannot verify.
func Creator(activity []byte) (string, error) {
	doc, err := decodeObject(activity)
	if err != nil {
		return "", err
	}
	sig, err := readSignature(doc)
	if err != nil {
		return "", err
	}
	return sig.creator, nil
}

// parsedSignature is a signature object read from a document.
type parsedSignature struct {
	creator string
	value   []byte
	options map[string]any // the object without type, id and signatureValue
}

// readSignature reads and checks the signature object of doc.
func readSignature(doc map[string]any) (parsedSignature, error) {
	raw, ok := doc["signature"]
	if !ok || raw == nil {
		return parsedSignature{}, ErrNoSignature
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return parsedSignature{}, fmt.Errorf("%w: signature is not an object", ErrNoSignature)
	}
	if t, _ := obj["type"].(string); t != Type {
		return parsedSignature{}, fmt.Errorf("%w: %v", ErrType, obj["type"])
	}
	creator, _ := obj["creator"].(string)
	encoded, ok := obj["signatureValue"].(string)
	if creator == "" || !ok {
		return parsedSignature{}, fmt.Errorf("%w: creator and signatureValue must be strings", ErrMalformed)
	}
	value, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return parsedSignature{}, fmt.Errorf("%w: %w", ErrEncoding, err)
	}
	options := make(map[string]any, len(obj))
	for k, v := range obj {
		switch k {
		case "type", "id", "signatureValue":
		default:
			options[k] = v
		}
	}
	return parsedSignature{creator: creator, value: value, options: options}, nil
}

// message is the SHA-256 digest that RSA signs: of the hex digest of the
// normalized options (in the identity/v1 context, which replaces any
// @context they had) followed by the hex digest of the normalized document.
func message(options, doc map[string]any) ([]byte, error) {
	options["@context"] = identityV1
	optionsHash, err := hashNormalized(options)
	if err != nil {
		return nil, fmt.Errorf("signature options: %w", err)
	}
	docHash, err := hashNormalized(doc)
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	sum := sha256.Sum256([]byte(optionsHash + docHash))
	return sum[:], nil
}

// hashNormalized is the SHA-256 hex digest of doc's URDNA2015 N-Quads,
// with contexts from the offline loader only.
func hashNormalized(doc map[string]any) (string, error) {
	opts := ld.NewJsonLdOptions("")
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	opts.DocumentLoader = offlineLoader{}
	out, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNormalize, err)
	}
	nquads, ok := out.(string)
	if !ok {
		return "", fmt.Errorf("%w: normalization gave %T, not N-Quads", ErrNormalize, out)
	}
	sum := sha256.Sum256([]byte(nquads))
	return hex.EncodeToString(sum[:]), nil
}

// decodeObject parses a JSON object.
func decodeObject(data []byte) (map[string]any, error) {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	if doc == nil {
		return nil, fmt.Errorf("%w: null", ErrNotJSON)
	}
	return doc, nil
}

// encode marshals v without escaping <, > and & (content is HTML).
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("ldsig: encode JSON: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
