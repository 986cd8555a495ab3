package ldsig

import (
	"embed"
	"encoding/json"
	"fmt"

	"github.com/piprate/json-gold/ld"
)

// contextFS holds the JSON-LD context documents that Mastodon keeps
// preloaded and Herald's documents use. contexts/README.md says where each
// copy comes from.
//
//go:embed contexts/*.jsonld
var contextFS embed.FS

// Context URLs the offline loader answers.
const (
	activityStreams = "https://www.w3.org/ns/activitystreams"
	securityV1      = "https://w3id.org/security/v1"
	identityV1      = "https://w3id.org/identity/v1"
)

// contextFile is the embedded file of a context URL, or false for every
// other URL.
func contextFile(url string) (string, bool) {
	switch url {
	case activityStreams:
		return "contexts/activitystreams.jsonld", true
	case securityV1:
		return "contexts/security-v1.jsonld", true
	case identityV1:
		return "contexts/identity-v1.jsonld", true
	}
	return "", false
}

// offlineLoader is a JSON-LD document loader that never touches the
// network: it answers the embedded contexts and refuses every other URL
// with ErrUnknownContext. A signer or verifier that fetched the contexts a
// document names would make requests to any URL a peer puts in @context.
// It is safe for concurrent use.
type offlineLoader struct{}

// LoadDocument returns a fresh copy of the embedded context at u, so the
// JSON-LD processor may change what it gets without touching the next
// caller's copy.
func (offlineLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	name, ok := contextFile(u)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownContext, u)
	}
	raw, err := contextFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read embedded context %s: %w", u, err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("decode embedded context %s: %w", u, err)
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}
