// Package actor renders Herald's ActivityPub documents: actors, Notes and
// their activities, WebFinger and NodeInfo. It is pure: no I/O, no clock.
// Callers pass in times. The go-ap vocabulary types stay inside this
// package; callers get JSON bytes.
package actor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	vocab "github.com/go-ap/activitypub"
)

// ContentType is the media type of every ActivityPub document Herald serves.
const ContentType = "application/activity+json"

// AcceptHeader is the Accept header of Herald's ActivityPub requests: both
// media types the ActivityPub spec names for its documents.
const AcceptHeader = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// Context URLs.
const (
	ActivityStreams = "https://www.w3.org/ns/activitystreams"
	securityV1      = "https://w3id.org/security/v1"
)

// document marshals item with go-ap, adds the extension properties in extra
// (Mastodon's toot: terms and the like, which go-ap does not model; a nil
// value removes a property) and the
// @context, and returns compact JSON with HTML left unescaped. Top-level keys
// come out sorted and go-ap writes embedded objects in a fixed order, so
// documents are byte-for-byte reproducible.
func document(item vocab.Item, context any, extra map[string]any) ([]byte, error) {
	raw, err := vocab.MarshalJSON(item)
	if err != nil {
		return nil, fmt.Errorf("marshal %s: %w", item.GetType(), err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("re-read %s: %w", item.GetType(), err)
	}
	for k, v := range extra {
		if v == nil {
			delete(fields, k)
			continue
		}
		if fields[k], err = encode(v); err != nil {
			return nil, err
		}
	}
	if context != nil {
		if fields["@context"], err = encode(context); err != nil {
			return nil, err
		}
	}
	return encode(fields)
}

// encode marshals v without escaping <, > and & (content is HTML).
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// withoutContext strips @context from a document so it can be embedded in
// another one.
func withoutContext(doc []byte) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(doc, &fields); err != nil {
		return nil, fmt.Errorf("embed document: %w", err)
	}
	delete(fields, "@context")
	return encode(fields)
}

// unsafeInIRI reports whether r may not appear unescaped in a URI (RFC 3986
// section 2: white space, controls, quotes, backslashes, angle brackets).
func unsafeInIRI(r rune) bool {
	return r <= ' ' || r == 0x7f || r == '"' || r == '\\' || r == '<' || r == '>'
}

// iri converts s for go-ap, percent-encoding the characters unsafeInIRI
// reports. go-ap writes IRIs into JSON without escaping them, so a remote
// id holding a quote (a Follow's id, say) could otherwise break out of its
// string and add properties to the document Herald signs and serves.
func iri(s string) vocab.IRI {
	if !strings.ContainsFunc(s, unsafeInIRI) {
		return vocab.IRI(s)
	}
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && unsafeInIRI(rune(c)) {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return vocab.IRI(b.String())
}
