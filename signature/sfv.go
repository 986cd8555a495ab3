package signature

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// The subset of RFC 8941 Structured Field Values that RFC 9421 and RFC 9530
// need: dictionaries whose members are items or inner lists, and items that
// are strings, tokens, integers, booleans or byte sequences, with
// parameters. Decimals are not supported (no signature field uses them).

// sfItem is a bare item with its parameters.
type sfItem struct {
	value  any // string (sf-string), sfToken, int64, bool or []byte
	params []sfParam
}

// sfToken is an sf-token, kept apart from sf-string.
type sfToken string

type sfParam struct {
	key   string
	value any
}

// sfMember is a dictionary member: an item, or an inner list (list != nil).
type sfMember struct {
	key   string
	item  sfItem
	list  []sfItem
	isLst bool
}

// maxSFLen bounds the size of a structured field Herald parses.
const maxSFLen = 16 << 10

// parseDictionary parses an RFC 8941 §4.2.2 dictionary.
func parseDictionary(s string) ([]sfMember, error) {
	if len(s) > maxSFLen {
		return nil, fmt.Errorf("structured field over %d bytes", maxSFLen)
	}
	p := &sfParser{s: s}
	p.skipSP()
	var out []sfMember
	for !p.done() {
		m, err := p.member()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
		p.skipOWS()
		if p.done() {
			break
		}
		if p.s[p.i] != ',' {
			return nil, fmt.Errorf("expected ',' at offset %d", p.i)
		}
		p.i++
		p.skipOWS()
		if p.done() {
			return nil, fmt.Errorf("trailing ','")
		}
	}
	return out, nil
}

type sfParser struct {
	s string
	i int
}

func (p *sfParser) done() bool { return p.i >= len(p.s) }

func (p *sfParser) skipSP() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *sfParser) skipOWS() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *sfParser) member() (sfMember, error) {
	key, err := p.key()
	if err != nil {
		return sfMember{}, err
	}
	m := sfMember{key: key}
	if p.done() || p.s[p.i] != '=' {
		m.item.value = true
		m.item.params, err = p.params()
		return m, err
	}
	p.i++
	if !p.done() && p.s[p.i] == '(' {
		m.isLst = true
		m.list, m.item.params, err = p.innerList()
		return m, err
	}
	m.item, err = p.item()
	return m, err
}

func (p *sfParser) key() (string, error) {
	start := p.i
	if p.done() || !(p.s[p.i] == '*' || ('a' <= p.s[p.i] && p.s[p.i] <= 'z')) {
		return "", fmt.Errorf("expected key at offset %d", p.i)
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		if !(('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*') {
			break
		}
		p.i++
	}
	return p.s[start:p.i], nil
}

func (p *sfParser) innerList() ([]sfItem, []sfParam, error) {
	p.i++ // '('
	var items []sfItem
	for {
		p.skipSP()
		if p.done() {
			return nil, nil, fmt.Errorf("unterminated inner list")
		}
		if p.s[p.i] == ')' {
			p.i++
			params, err := p.params()
			return items, params, err
		}
		it, err := p.item()
		if err != nil {
			return nil, nil, err
		}
		items = append(items, it)
		if !p.done() && p.s[p.i] != ' ' && p.s[p.i] != ')' {
			return nil, nil, fmt.Errorf("expected ' ' or ')' at offset %d", p.i)
		}
	}
}

func (p *sfParser) item() (sfItem, error) {
	v, err := p.bareItem()
	if err != nil {
		return sfItem{}, err
	}
	params, err := p.params()
	return sfItem{value: v, params: params}, err
}

func (p *sfParser) params() ([]sfParam, error) {
	var out []sfParam
	for !p.done() && p.s[p.i] == ';' {
		p.i++
		p.skipSP()
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		var v any = true
		if !p.done() && p.s[p.i] == '=' {
			p.i++
			if v, err = p.bareItem(); err != nil {
				return nil, err
			}
		}
		out = append(out, sfParam{key: key, value: v})
	}
	return out, nil
}

func (p *sfParser) bareItem() (any, error) {
	if p.done() {
		return nil, fmt.Errorf("expected item at end of field")
	}
	switch c := p.s[p.i]; {
	case c == '"':
		return p.str()
	case c == ':':
		return p.bytes()
	case c == '?':
		if p.i+1 < len(p.s) && (p.s[p.i+1] == '0' || p.s[p.i+1] == '1') {
			p.i += 2
			return p.s[p.i-1] == '1', nil
		}
		return nil, fmt.Errorf("bad boolean at offset %d", p.i)
	case c == '-' || ('0' <= c && c <= '9'):
		return p.integer()
	case c == '*' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z'):
		start := p.i
		for p.i < len(p.s) && (isTchar(p.s[p.i]) || p.s[p.i] == ':' || p.s[p.i] == '/') {
			p.i++
		}
		return sfToken(p.s[start:p.i]), nil
	default:
		return nil, fmt.Errorf("unexpected %q at offset %d", c, p.i)
	}
}

func (p *sfParser) str() (string, error) {
	var b strings.Builder
	for p.i++; p.i < len(p.s); p.i++ {
		c := p.s[p.i]
		switch {
		case c == '\\':
			p.i++
			if p.i >= len(p.s) || (p.s[p.i] != '"' && p.s[p.i] != '\\') {
				return "", fmt.Errorf("bad escape in string")
			}
			b.WriteByte(p.s[p.i])
		case c == '"':
			p.i++
			return b.String(), nil
		case c < 0x20 || c > 0x7e:
			return "", fmt.Errorf("invalid character in string")
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("unterminated string")
}

func (p *sfParser) bytes() ([]byte, error) {
	end := strings.IndexByte(p.s[p.i+1:], ':')
	if end < 0 {
		return nil, fmt.Errorf("unterminated byte sequence")
	}
	raw := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, fmt.Errorf("byte sequence: %w", err)
	}
	return b, nil
}

func (p *sfParser) integer() (int64, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
		p.i++
	}
	if p.i-start > 16 || (p.i < len(p.s) && p.s[p.i] == '.') {
		return 0, fmt.Errorf("integer too long or decimal at offset %d", start)
	}
	return strconv.ParseInt(p.s[start:p.i], 10, 64)
}

// serializeItem writes a bare item and its parameters (RFC 8941 §4.1).
func serializeItem(b *strings.Builder, v any, params []sfParam) {
	serializeBare(b, v)
	for _, pr := range params {
		b.WriteString(";" + pr.key)
		if t, ok := pr.value.(bool); ok && t {
			continue
		}
		b.WriteByte('=')
		serializeBare(b, pr.value)
	}
}

func serializeBare(b *strings.Builder, v any) {
	switch x := v.(type) {
	case string:
		b.WriteByte('"')
		b.WriteString(strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(x))
		b.WriteByte('"')
	case sfToken:
		b.WriteString(string(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case bool:
		if x {
			b.WriteString("?1")
		} else {
			b.WriteString("?0")
		}
	case []byte:
		b.WriteString(":" + base64.StdEncoding.EncodeToString(x) + ":")
	}
}
