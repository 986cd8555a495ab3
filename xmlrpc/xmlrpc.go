// Package xmlrpc reads and writes the small part of XML-RPC
// (https://xmlrpc.com/spec.md) that blog ping services speak: a method call
// whose parameters are strings, answered by a struct or a fault.
package xmlrpc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"
)

// ErrMalformed is returned (wrapped) for a body that is not an XML-RPC call.
var ErrMalformed = errors.New("not an XML-RPC method call")

// Call is a parsed method call.
type Call struct {
	// Method is the methodName, e.g. "weblogUpdates.extendedPing".
	Method string
	// Params are the parameters that are strings (typed <string> or
	// untyped, which XML-RPC defines as string). Other types are kept as
	// their text.
	Params []string
}

type wireCall struct {
	XMLName    xml.Name    `xml:"methodCall"`
	MethodName string      `xml:"methodName"`
	Params     []wireParam `xml:"params>param"`
}

type wireParam struct {
	Value wireValue `xml:"value"`
}

// wireValue holds either a typed value (<string>, <int>, ...) or bare text.
type wireValue struct {
	Inner []byte `xml:",innerxml"`
}

// maxParams bounds the parameters read from one call.
const maxParams = 16

// ParseCall reads an XML-RPC method call. The XML decoder does not fetch
// external entities and the caller bounds the body size.
func ParseCall(body []byte) (Call, error) {
	var w wireCall
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = charset.NewReaderLabel // ISO-8859-1, Windows-1252, ...
	if err := dec.Decode(&w); err != nil {
		return Call{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	method := strings.TrimSpace(w.MethodName)
	if method == "" {
		return Call{}, fmt.Errorf("%w: no methodName", ErrMalformed)
	}
	if len(w.Params) > maxParams {
		return Call{}, fmt.Errorf("%w: %d parameters", ErrMalformed, len(w.Params))
	}
	c := Call{Method: method}
	for i, p := range w.Params {
		s, err := p.Value.text()
		if err != nil {
			return Call{}, fmt.Errorf("%w: parameter %d: %v", ErrMalformed, i+1, err)
		}
		c.Params = append(c.Params, s)
	}
	return c, nil
}

// text returns the value as a string: the content of its single typed
// element, or its bare character data.
func (v wireValue) text() (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(v.Inner))
	var out strings.Builder
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > 1 {
				return "", fmt.Errorf("<%s> inside a scalar: arrays and structs are not supported", t.Name.Local)
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			out.Write(t)
		}
	}
	return strings.TrimSpace(out.String()), nil
}

// Response renders a successful method response carrying a struct of
// members, in order. Values are strings, bools or ints.
func Response(members ...Member) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n<methodResponse><params><param><value><struct>\n")
	writeMembers(&b, members)
	b.WriteString("</struct></value></param></params></methodResponse>\n")
	return []byte(b.String())
}

// Fault renders a fault response.
func Fault(code int, message string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n<methodResponse><fault><value><struct>\n")
	writeMembers(&b, []Member{{Name: "faultCode", Value: code}, {Name: "faultString", Value: message}})
	b.WriteString("</struct></value></fault></methodResponse>\n")
	return []byte(b.String())
}

// Member is one member of a response struct.
type Member struct {
	Name  string
	Value any // string, bool or int
}

func writeMembers(b *strings.Builder, members []Member) {
	for _, m := range members {
		b.WriteString("<member><name>" + escape(m.Name) + "</name><value>")
		switch v := m.Value.(type) {
		case bool:
			bit := "0"
			if v {
				bit = "1"
			}
			b.WriteString("<boolean>" + bit + "</boolean>")
		case int:
			b.WriteString("<int>" + strconv.Itoa(v) + "</int>")
		default:
			b.WriteString("<string>" + escape(fmt.Sprint(v)) + "</string>")
		}
		b.WriteString("</value></member>\n")
	}
}

func escape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
