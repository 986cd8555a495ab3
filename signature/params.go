package signature

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// Pseudo-headers of draft-cavage-12 §2.3.
const (
	requestTarget = "(request-target)"
	pseudoCreated = "(created)"
	pseudoExpires = "(expires)"
)

// params are the parameters of a Signature header (draft-cavage-12 §2.1).
type params struct {
	keyID     string
	algorithm string   // lowercased; "" when absent
	headers   []string // lowercased; ["date"] when absent (§2.1.6)
	signature []byte   // decoded
	created   int64    // 0 when absent
	expires   int64    // 0 when absent
}

// parseParams parses a Signature header value: comma-separated
// name=value pairs, values quoted strings or tokens, optional whitespace
// around "=" and ",". Unknown parameters are ignored; a duplicated known
// parameter is an error (§2.1: "MUST NOT be processed"). Every error wraps
// ErrMalformed.
func parseParams(s string) (params, error) {
	p := params{headers: []string{"date"}}
	seen := make(map[string]bool)
	for i := 0; ; i++ {
		name, value, next, err := nextParam(s, i)
		if err != nil {
			return params{}, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		if err := p.set(name, value, seen); err != nil {
			return params{}, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		i = skipOWS(s, next)
		if i == len(s) {
			break
		}
		if s[i] != ',' {
			return params{}, fmt.Errorf("%w: expected ',' at offset %d", ErrMalformed, i)
		}
	}
	if err := p.validate(); err != nil {
		return params{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return p, nil
}

// nextParam reads one name=value pair starting at offset i and returns the
// offset just after it.
func nextParam(s string, i int) (name, value string, next int, err error) {
	i = skipOWS(s, i)
	name, i = readToken(s, i)
	if name == "" {
		return "", "", 0, fmt.Errorf("expected parameter name at offset %d", i)
	}
	i = skipOWS(s, i)
	if i >= len(s) || s[i] != '=' {
		return "", "", 0, fmt.Errorf("expected '=' after %q", name)
	}
	i = skipOWS(s, i+1)
	if i < len(s) && s[i] == '"' {
		value, i, err = readQuoted(s, i)
		return name, value, i, err
	}
	value, i = readToken(s, i)
	if value == "" {
		return "", "", 0, fmt.Errorf("missing value for %q", name)
	}
	return name, value, i, nil
}

// set records one parameter.
func (p *params) set(name, value string, seen map[string]bool) error {
	switch name {
	case "keyId", "algorithm", "headers", "signature", "created", "expires":
		if seen[name] {
			return fmt.Errorf("duplicate parameter %q", name)
		}
		seen[name] = true
	default:
		return nil // §2.1: unknown parameters are ignored
	}
	var err error
	switch name {
	case "keyId":
		p.keyID = value
	case "algorithm":
		p.algorithm = strings.ToLower(value)
	case "headers":
		p.headers = strings.Fields(strings.ToLower(value))
	case "signature":
		p.signature, err = base64.StdEncoding.DecodeString(value)
	case "created":
		p.created, err = strconv.ParseInt(value, 10, 64)
	case "expires":
		p.expires, err = strconv.ParseInt(value, 10, 64)
	}
	if err != nil {
		return fmt.Errorf("parameter %q: %w", name, err)
	}
	return nil
}

// validate checks the required parameters and the header list.
func (p *params) validate() error {
	switch {
	case p.keyID == "":
		return fmt.Errorf("missing keyId")
	case len(p.signature) == 0:
		return fmt.Errorf("missing signature")
	case len(p.headers) == 0:
		return fmt.Errorf("empty headers list")
	}
	for _, h := range p.headers {
		switch {
		case h == requestTarget:
		case h == pseudoCreated && p.created <= 0:
			return fmt.Errorf("(created) signed without a created parameter")
		case h == pseudoExpires && p.expires <= 0:
			return fmt.Errorf("(expires) signed without an expires parameter")
		case h == pseudoCreated, h == pseudoExpires:
		case !isToken(h):
			return fmt.Errorf("invalid header name %q", h)
		}
	}
	return nil
}

// format renders p as a Signature header value. Callers guarantee keyID
// holds no '"', '\\' or control characters.
func (p params) format() string {
	var b strings.Builder
	b.WriteString(`keyId="` + p.keyID + `",`)
	if p.algorithm != "" {
		b.WriteString(`algorithm="` + p.algorithm + `",`)
	}
	if p.created > 0 {
		b.WriteString("created=" + strconv.FormatInt(p.created, 10) + ",")
	}
	if p.expires > 0 {
		b.WriteString("expires=" + strconv.FormatInt(p.expires, 10) + ",")
	}
	b.WriteString(`headers="` + strings.Join(p.headers, " ") + `",`)
	b.WriteString(`signature="` + base64.StdEncoding.EncodeToString(p.signature) + `"`)
	return b.String()
}

// covers reports whether the signature covers header name (lowercase).
func (p params) covers(name string) bool {
	for _, h := range p.headers {
		if h == name {
			return true
		}
	}
	return false
}

func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// readToken reads an RFC 7230 token starting at i.
func readToken(s string, i int) (string, int) {
	start := i
	for i < len(s) && isTchar(s[i]) {
		i++
	}
	return s[start:i], i
}

// readQuoted reads an RFC 7230 quoted-string starting at the '"' at i and
// returns its unescaped content.
func readQuoted(s string, i int) (string, int, error) {
	var b strings.Builder
	for i++; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), i + 1, nil
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c < 0x20 && c != '\t', c == 0x7f:
			return "", 0, fmt.Errorf("control character in quoted string at offset %d", i)
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("unterminated quoted string")
}

func isToken(s string) bool {
	t, _ := readToken(s, 0)
	return s != "" && t == s
}

// isTchar reports whether c may appear in an RFC 7230 token.
func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
