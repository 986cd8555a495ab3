package actor

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
)

// MaxExcerpt is the length, in characters, beyond which an item's summary is
// cut to a plain-text excerpt, so the whole post stays within the usual
// 500-character budget of Mastodon posts.
const MaxExcerpt = 400

// newPolicy returns the HTML allow-list Herald emits: the elements and
// attributes Mastodon's sanitizer keeps, so what followers see is what Herald
// stored. Links must be http(s); images are dropped (Mastodon strips them).
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "span", "del", "s", "pre", "code", "blockquote",
		"b", "strong", "u", "i", "em", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https")
	p.RequireParseableURLs(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	p.RequireNoFollowOnLinks(false)
	return p
}

var (
	blockStart = regexp.MustCompile(`(?i)^\s*<(p|ul|ol|blockquote|pre|h[1-6])[\s>]`)
	spaces     = regexp.MustCompile(`\s+`)
	// blockTag matches the tags that separate words when rendered: line
	// breaks and the edges of block elements.
	blockTag = regexp.MustCompile(`(?i)</?(p|br|div|li|ul|ol|dt|dd|blockquote|pre|h[1-6]|tr|td|th|table|hr|figure|figcaption|section|article|header|footer)(\s[^>]*)?/?>`)
)

// plainText reduces HTML to its text, entities decoded, white space
// collapsed. Block boundaries and <br> become spaces first, so that
// "<p>One.</p><p>Two</p>" reads "One. Two", not "One.Two".
func plainText(strict *bluemonday.Policy, htmlText string) string {
	spaced := blockTag.ReplaceAllStringFunc(htmlText, func(tag string) string { return " " + tag + " " })
	return strings.TrimSpace(spaces.ReplaceAllString(html.UnescapeString(strict.Sanitize(spaced)), " "))
}

// excerpt returns the body of a post: the sanitised summary (or, without one,
// the content) when it is short, else a plain-text excerpt of at most
// MaxExcerpt characters cut at a word boundary and ended with "…".
func (r *Renderer) excerpt(summary, content string) string {
	source := summary
	if plainText(r.strict, source) == "" {
		source = content
	}
	text := plainText(r.strict, source)
	if text == "" {
		return ""
	}
	if utf8.RuneCountInString(text) > MaxExcerpt {
		return "<p>" + html.EscapeString(cutAtWord(text, MaxExcerpt)) + "</p>"
	}
	clean := strings.TrimSpace(r.policy.Sanitize(source))
	if !blockStart.MatchString(clean) {
		clean = "<p>" + clean + "</p>"
	}
	return clean
}

// cutAtWord shortens text to at most max characters including the "…" it
// appends, without cutting inside a word.
func cutAtWord(text string, max int) string {
	runes := []rune(text)
	if len(runes) <= max {
		return text
	}
	cut := max - 1
	for i := cut; i > max/2; i-- {
		if runes[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(runes[:cut]), " ,;:.-–—") + "…"
}

// escapeText escapes plain text for use inside HTML.
func escapeText(s string) string {
	return html.EscapeString(s)
}
