package feeds

import (
	"mime"
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/html"
)

// plainText turns a string that may hold HTML (tags, entities, CDATA
// leftovers) into plain text: tags are dropped, the contents of script and
// style elements too, entities are decoded and whitespace is collapsed.
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return collapseSpace(s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return collapseSpace(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			if isRawElement(z) {
				skip++
			}
			b.WriteByte(' ')
		case html.EndTagToken:
			if isRawElement(z) && skip > 0 {
				skip--
			}
			b.WriteByte(' ')
		case html.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}

// isRawElement reports whether the current tag is one whose text is not
// meant to be read.
func isRawElement(z *html.Tokenizer) bool {
	name, _ := z.TagName()
	switch string(name) {
	case "script", "style":
		return true
	}
	return false
}

// collapseSpace trims s and replaces every run of white space with one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// parseBase parses the feed URL for resolving relative links; nil if it is
// not an absolute URL.
func parseBase(feedURL string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(feedURL))
	if err != nil || !u.IsAbs() {
		return nil
	}
	return u
}

// resolveHTTP resolves ref against base (which may be nil) and returns it
// only if the result is an absolute http or https URL with a host; links with
// other schemes (javascript:, data:, mailto:) are dropped, because Link and
// the image URLs end up as links in posts.
func resolveHTTP(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// isRasterType reports whether t is a type an item image may have: what
// fediverse servers accept and show as an image attachment.
func isRasterType(t string) bool {
	switch strings.ToLower(t) {
	case "image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/gif", "image/webp":
		return true
	}
	return false
}

// isRasterImage reports whether the candidate, resolved to u, is a JPEG,
// PNG, GIF or WebP image: by its declared type if any, else by the file
// extension, else by whether its source says it is an image.
func isRasterImage(c imageCandidate, u string) bool {
	if t, _, err := mime.ParseMediaType(c.mime); err == nil && t != "" {
		return isRasterType(t)
	}
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	if ext := strings.ToLower(path.Ext(p.Path)); ext != "" {
		if t, _, err := mime.ParseMediaType(mime.TypeByExtension(ext)); err == nil {
			return isRasterType(t)
		}
	}
	return c.isImage
}
