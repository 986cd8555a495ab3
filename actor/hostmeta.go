package actor

import (
	"encoding/xml"
	"fmt"
)

// HostMetaContentType is the media type of host-meta (RFC 6415) in XML;
// host-meta.json answers JRDContentType.
const HostMetaContentType = "application/xrd+xml"

// webfingerTemplate is the lrdd template pointing at Herald's WebFinger.
func (u URLs) webfingerTemplate() string {
	return u.Base + "/.well-known/webfinger?resource={uri}"
}

// HostMeta renders /.well-known/host-meta (RFC 6415): an XRD whose lrdd link
// tells older clients where WebFinger lives.
func (u URLs) HostMeta() ([]byte, error) {
	type link struct {
		Rel      string `xml:"rel,attr"`
		Type     string `xml:"type,attr"`
		Template string `xml:"template,attr"`
	}
	doc := struct {
		XMLName xml.Name `xml:"http://docs.oasis-open.org/ns/xri/xrd-1.0 XRD"`
		Links   []link   `xml:"Link"`
	}{Links: []link{{Rel: "lrdd", Type: HostMetaContentType, Template: u.webfingerTemplate()}}}
	out, err := xml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode host-meta: %w", err)
	}
	return append([]byte(xml.Header), out...), nil
}

// HostMetaJSON renders /.well-known/host-meta.json, the JRD form of
// host-meta.
func (u URLs) HostMetaJSON() ([]byte, error) {
	return encode(map[string]any{"links": []map[string]string{
		{"rel": "lrdd", "type": JRDContentType, "template": u.webfingerTemplate()},
	}})
}
