package actor

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
)

// Limits on the shape of an inbound document, checked before it is decoded.
const (
	// MaxJSONDepth is the deepest nesting of objects and arrays accepted.
	// Real activities nest 5 or 6 levels (an Undo of an Announce of a Note
	// with a replies collection and its first page).
	MaxJSONDepth = 24
	// MaxJSONArray is the most elements accepted in one array (to/cc lists
	// of real posts hold a handful; Mastodon caps mentions at a few hundred).
	MaxJSONArray = 5000
	// MaxReplyContent is the most bytes of sanitised reply HTML stored.
	MaxReplyContent = 32 << 10
	// MaxSummary is the most bytes of a received post's content warning
	// stored.
	MaxSummary = 1 << 10
)

// ErrJSONShape is returned by CheckJSONShape for a document nested too
// deeply or holding too large an array.
var ErrJSONShape = errors.New("JSON document too deep or too wide")

// CheckJSONShape scans body without decoding it and fails with ErrJSONShape
// when it nests deeper than MaxJSONDepth or has an array of more than
// MaxJSONArray elements. It does not validate the JSON otherwise: the
// decoder does that next, on a document now known to be cheap to decode.
func CheckJSONShape(body []byte) error {
	var counts []int // elements seen so far in each open array (-1: object)
	inString, escaped := false, false
	for _, c := range body {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if len(counts) >= MaxJSONDepth {
				return fmt.Errorf("%w: nested deeper than %d", ErrJSONShape, MaxJSONDepth)
			}
			n := -1
			if c == '[' {
				n = 1
			}
			counts = append(counts, n)
		case c == '}' || c == ']':
			if len(counts) > 0 {
				counts = counts[:len(counts)-1]
			}
		case c == ',' && len(counts) > 0 && counts[len(counts)-1] > 0:
			counts[len(counts)-1]++
			if counts[len(counts)-1] > MaxJSONArray {
				return fmt.Errorf("%w: array of more than %d elements", ErrJSONShape, MaxJSONArray)
			}
		}
	}
	return nil
}

// Details are the parts of an incoming activity that some types need
// beyond Activity: the target of a Move, the objects and comment of a Flag,
// the Note of a Create or Update.
type Details struct {
	// Target is a Move's new account.
	Target string
	// Objects are the ids of the object, or of each object of a list
	// (a Flag reports an actor and some posts).
	Objects []string
	// Content is the activity's own content as plain text (a Flag's comment).
	Content string
	// Note is the embedded object when it is a Note, Article, Page or
	// Question; nil otherwise.
	Note *InboundNote
	// ObjectType is the embedded object's type ("" for an IRI).
	ObjectType string
}

// InboundNote is a remote post, with its content sanitised.
type InboundNote struct {
	ID, Type, AttributedTo, InReplyTo string
	// Content is sanitised HTML (Mastodon's allow-list: no scripts, images,
	// styles or non-http links), at most MaxReplyContent bytes.
	Content string
	// Summary is the content warning, as plain text.
	Summary string
	// URL is the post's web page, "" if none.
	URL string
	// To and CC are its audience: the object's, or the activity's when
	// the object has none (PublicAudience for any spelling of the public
	// collection); Mentions the hrefs of its Mention tags.
	To, CC, Mentions []string
	Published        time.Time
}

type detailsEnvelope struct {
	Object  json.RawMessage `json:"object"`
	Target  json.RawMessage `json:"target"`
	Content json.RawMessage `json:"content"`
	To      json.RawMessage `json:"to"`
	CC      json.RawMessage `json:"cc"`
}

type noteEnvelope struct {
	ID           string          `json:"id"`
	Type         json.RawMessage `json:"type"`
	AttributedTo json.RawMessage `json:"attributedTo"`
	InReplyTo    json.RawMessage `json:"inReplyTo"`
	Content      json.RawMessage `json:"content"`
	Summary      json.RawMessage `json:"summary"`
	URL          json.RawMessage `json:"url"`
	Published    string          `json:"published"`
	To           json.RawMessage `json:"to"`
	CC           json.RawMessage `json:"cc"`
	Tag          json.RawMessage `json:"tag"`
}

// ParseDetails reads the Details of an activity that ParseActivity accepted.
// Ids that are not URIs are dropped.
func ParseDetails(body []byte) (Details, error) {
	var env detailsEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return Details{}, fmt.Errorf("%w: %v", ErrNotActivity, err)
	}
	d := Details{Target: uriOrEmpty(refID(env.Target)), Content: plainString(env.Content)}
	var list []json.RawMessage
	if json.Unmarshal(env.Object, &list) != nil {
		list = []json.RawMessage{env.Object}
	}
	for _, raw := range list {
		if id := uriOrEmpty(refID(raw)); id != "" {
			d.Objects = append(d.Objects, id)
		}
	}
	if len(list) == 1 && strings.HasPrefix(strings.TrimSpace(string(list[0])), "{") {
		note, typ, err := parseNote(list[0])
		if err != nil {
			return Details{}, err
		}
		if note != nil && len(note.To)+len(note.CC) == 0 {
			note.To, note.CC = audience(env.To), audience(env.CC)
		}
		d.Note, d.ObjectType = note, typ
	}
	return d, nil
}

// parseNote reads an embedded object; note is nil unless it is a post.
func parseNote(raw json.RawMessage) (note *InboundNote, typ string, err error) {
	var env noteEnvelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, "", fmt.Errorf("%w: object: %v", ErrNotActivity, err)
	}
	typ = firstType(env.Type)
	switch typ {
	case "Note", "Article", "Page", "Question":
	default:
		return nil, typ, nil
	}
	n := &InboundNote{
		ID: uriOrEmpty(env.ID), Type: typ, AttributedTo: uriOrEmpty(refID(env.AttributedTo)),
		InReplyTo: uriOrEmpty(refID(env.InReplyTo)), URL: uriOrEmpty(linkHref(env.URL)),
	}
	var content string
	_ = json.Unmarshal(env.Content, &content)
	n.Content = sanitizeReply(content)
	n.Summary = truncate(plainString(env.Summary), MaxSummary)
	n.To, n.CC, n.Mentions = audience(env.To), audience(env.CC), mentionHrefs(env.Tag)
	if t, err := time.Parse(time.RFC3339, env.Published); err == nil {
		n.Published = t.UTC()
	}
	return n, typ, nil
}

// sanitizeReply keeps what Mastodon keeps of remote HTML and caps its size
// (cutting at a rune boundary, then sanitising again to close what the cut
// left open).
func sanitizeReply(content string) string {
	p := newPolicy()
	p.AllowAttrs("class").Matching(bluemonday.SpaceSeparatedTokens).OnElements("a", "span")
	p.AllowAttrs("rel").OnElements("a")
	clean := p.Sanitize(content)
	if len(clean) <= MaxReplyContent {
		return clean
	}
	cut := strings.ToValidUTF8(clean[:MaxReplyContent], "")
	if i := strings.LastIndexByte(cut, '<'); i > strings.LastIndexByte(cut, '>') {
		cut = cut[:i]
	}
	return p.Sanitize(cut)
}

// linkHref returns a url value's href: a string, a Link object or the first
// of a list of either.
func linkHref(raw json.RawMessage) string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		if len(list) == 0 {
			return ""
		}
		raw = list[0]
	}
	var link struct {
		Href string `json:"href"`
	}
	if json.Unmarshal(raw, &link) == nil && link.Href != "" {
		return link.Href
	}
	return refID(raw)
}

// publicNames are the spellings of the public collection in an audience
// (the JSON-LD compacted forms peers send too).
var publicNames = map[string]bool{PublicAudience: true, "as:Public": true, "Public": true}

// audience reads a to or cc value (an IRI, an object or a list of either)
// as ids, the public collection as PublicAudience; other ids that are not
// http(s) URLs are dropped.
func audience(raw json.RawMessage) []string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	var out []string
	for _, item := range list {
		id := refID(item)
		switch {
		case publicNames[id]:
			out = append(out, PublicAudience)
		case uriOrEmpty(id) != "":
			out = append(out, id)
		}
	}
	return out
}

// mentionHrefs returns the hrefs of the Mention objects of a tag value.
func mentionHrefs(raw json.RawMessage) []string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	var out []string
	for _, item := range list {
		var tag struct {
			Type json.RawMessage `json:"type"`
			Href string          `json:"href"`
		}
		if json.Unmarshal(item, &tag) == nil && firstType(tag.Type) == "Mention" && uriOrEmpty(tag.Href) != "" {
			out = append(out, tag.Href)
		}
	}
	return out
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// plainString returns a JSON string value reduced to plain text.
func plainString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return plainText(bluemonday.StrictPolicy(), s)
}

// uriOrEmpty returns s when it is an http(s) URL, else "".
func uriOrEmpty(s string) string {
	if isHTTPURL(s) {
		return s
	}
	return ""
}
