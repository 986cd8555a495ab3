package signature

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// messageSignatures parses Signature-Input and Signature (RFC 9421 §4.1,
// §4.2) and returns the labelled signatures present in both, in the order of
// Signature-Input, at most maxMessageSignatures.
func messageSignatures(req *http.Request) ([]messageSignature, error) {
	if req == nil || req.URL == nil {
		return nil, fmt.Errorf("%w: nil request", ErrMalformed)
	}
	inputs, err := parseDictionary(strings.Join(req.Header.Values("Signature-Input"), ", "))
	if err != nil {
		return nil, fmt.Errorf("%w: Signature-Input: %w", ErrMalformed, err)
	}
	values := req.Header.Values("Signature")
	if len(values) == 0 {
		return nil, ErrNoSignature
	}
	sigs, err := parseDictionary(strings.Join(values, ", "))
	if err != nil {
		return nil, fmt.Errorf("%w: Signature: %w", ErrMalformed, err)
	}
	var out []messageSignature
	for _, in := range inputs {
		if len(out) == maxMessageSignatures {
			break
		}
		s, err := newMessageSignature(in, sigs)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, ErrNoSignature
	}
	return out, nil
}

// newMessageSignature builds the signature labelled in.key.
func newMessageSignature(in sfMember, sigs []sfMember) (messageSignature, error) {
	s := messageSignature{label: in.key, components: in.list, params: in.item.params}
	if !in.isLst || len(in.list) > maxCoveredComponents {
		return s, fmt.Errorf("%w: Signature-Input %s is not a list of at most %d components", ErrMalformed, in.key, maxCoveredComponents)
	}
	for _, sm := range sigs {
		if b, ok := sm.item.value.([]byte); ok && sm.key == in.key && !sm.isLst {
			s.sig = b
		}
	}
	if len(s.sig) == 0 {
		return s, fmt.Errorf("%w: no signature for label %s", ErrMalformed, in.key)
	}
	for _, p := range s.params {
		var ok bool
		switch p.key {
		case "keyid":
			s.keyID, ok = p.value.(string)
		case "alg":
			s.alg, ok = p.value.(string)
		case "created":
			s.created, ok = p.value.(int64)
		case "expires":
			s.expires, ok = p.value.(int64)
		default:
			ok = true // nonce, tag and unknown parameters are signed, not interpreted
		}
		if !ok {
			return s, fmt.Errorf("%w: parameter %s of %s has the wrong type", ErrMalformed, p.key, in.key)
		}
	}
	if s.keyID == "" {
		return s, fmt.Errorf("%w: signature %s has no keyid", ErrMalformed, in.key)
	}
	for _, c := range s.components {
		if _, ok := c.value.(string); !ok {
			return s, fmt.Errorf("%w: component of %s is not a string", ErrMalformed, in.key)
		}
	}
	return s, nil
}

// covers reports whether s covers the component name (without parameters).
func (s messageSignature) covers(name string) bool {
	for _, c := range s.components {
		if c.value.(string) == name && len(c.params) == 0 {
			return true
		}
	}
	return false
}

// checkMessageCoverage enforces the covered-component policy (step 2).
func checkMessageCoverage(s messageSignature, hasBody bool) error {
	var missing []string
	if !s.covers("@method") {
		missing = append(missing, "@method")
	}
	target := s.covers("@target-uri") || s.covers("@request-target") ||
		(s.covers("@path") && (s.covers("@authority") || s.covers("host")))
	if !target {
		missing = append(missing, "@target-uri")
	}
	if hasBody && !s.covers("content-digest") {
		missing = append(missing, "content-digest")
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s not covered by %s", ErrMissingHeaders, strings.Join(missing, ", "), s.label)
	}
	return nil
}

// signatureBase builds the signature base of RFC 9421 §2.5.
func signatureBase(req *http.Request, s messageSignature, opts VerifyOptions) ([]byte, error) {
	var b strings.Builder
	seen := map[string]bool{}
	for _, c := range s.components {
		var id strings.Builder
		serializeItem(&id, c.value, c.params)
		if seen[id.String()] {
			return nil, fmt.Errorf("%w: component %s covered twice", ErrMalformed, id.String())
		}
		seen[id.String()] = true
		v, err := componentValue(req, c, opts)
		if err != nil {
			return nil, err
		}
		b.WriteString(id.String() + ": " + v + "\n")
	}
	b.WriteString(`"@signature-params": `)
	b.WriteString(signatureParamsValue(s))
	return []byte(b.String()), nil
}

// signatureParamsValue serializes the inner list and its parameters.
func signatureParamsValue(s messageSignature) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, c := range s.components {
		if i > 0 {
			b.WriteByte(' ')
		}
		serializeItem(&b, c.value, c.params)
	}
	b.WriteByte(')')
	for _, p := range s.params {
		b.WriteString(";" + p.key)
		if t, ok := p.value.(bool); ok && t {
			continue
		}
		b.WriteByte('=')
		serializeBare(&b, p.value)
	}
	return b.String()
}

// componentValue returns the value of one covered component (§2.1, §2.2).
func componentValue(req *http.Request, c sfItem, opts VerifyOptions) (string, error) {
	name := c.value.(string)
	if name == "@query-param" {
		return queryParam(req, c.params)
	}
	if len(c.params) > 0 {
		return "", fmt.Errorf("%w: component %q with parameters is not supported", ErrMalformed, name)
	}
	if strings.HasPrefix(name, "@") {
		return derivedComponent(req, name, opts)
	}
	if name != strings.ToLower(name) {
		return "", fmt.Errorf("%w: field name %q is not lowercase", ErrMalformed, name)
	}
	if name == "host" {
		return strings.ToLower(requestHost(req)), nil
	}
	values := req.Header.Values(name)
	if len(values) == 0 {
		return "", fmt.Errorf("%w: covered field %q absent from request", ErrMissingHeaders, name)
	}
	for i, v := range values {
		values[i] = strings.Trim(v, " \t")
	}
	return strings.Join(values, ", "), nil
}

// derivedComponent returns the value of a derived component (§2.2).
func derivedComponent(req *http.Request, name string, opts VerifyOptions) (string, error) {
	scheme, authority := "http", strings.ToLower(requestHost(req))
	if req.TLS != nil {
		scheme = "https"
	}
	if u, err := url.Parse(opts.Origin); err == nil && opts.Origin != "" {
		scheme, authority = u.Scheme, strings.ToLower(u.Host)
	}
	switch name {
	case "@method":
		return req.Method, nil
	case "@authority":
		return authority, nil
	case "@scheme":
		return scheme, nil
	case "@target-uri":
		return scheme + "://" + authority + req.URL.RequestURI(), nil
	case "@request-target":
		return req.URL.RequestURI(), nil
	case "@path":
		if p := req.URL.EscapedPath(); p != "" {
			return p, nil
		}
		return "/", nil
	case "@query":
		return "?" + req.URL.RawQuery, nil
	}
	return "", fmt.Errorf("%w: derived component %q is not supported", ErrMalformed, name)
}

// queryParam returns the value of @query-param;name=... (§2.2.8): the one
// parameter of that name, decoded and re-encoded.
func queryParam(req *http.Request, params []sfParam) (string, error) {
	var name string
	for _, p := range params {
		if n, ok := p.value.(string); ok && p.key == "name" {
			name = n
		} else {
			return "", fmt.Errorf("%w: @query-param parameter %q is not supported", ErrMalformed, p.key)
		}
	}
	var found []string
	for _, pair := range strings.Split(req.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 == nil && err2 == nil && dk == name {
			found = append(found, strings.ReplaceAll(url.QueryEscape(dv), "+", "%20"))
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("%w: query parameter %q occurs %d times", ErrMissingHeaders, name, len(found))
	}
	return found[0], nil
}
