package actor

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
)

// newPolicy returns the HTML allow-list Herald emits: the elements and
// attributes Mastodon's sanitizer keeps, so what followers see is what Herald
// stored. Links must be http(s); the classes and rel Mastodon uses for
// hashtag links are kept; images, iframes, scripts, styles and event
// handlers never pass (liftMedia has turned images into attachments and
// iframes into links before).
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "span", "del", "s", "pre", "code", "blockquote",
		"b", "strong", "u", "i", "em", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^tag$`)).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(mention hashtag|mention|hashtag|invisible|ellipsis|)$`)).OnElements("a", "span")
	p.AllowURLSchemes("http", "https")
	p.RequireParseableURLs(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	p.RequireNoFollowOnLinks(false)
	return p
}

var (
	spaces = regexp.MustCompile(`\s+`)
	// blockTag matches the tags that separate words when rendered: line
	// breaks and the edges of block elements.
	blockTag = regexp.MustCompile(`(?i)</?(p|br|div|li|ul|ol|dt|dd|blockquote|pre|h[1-6]|tr|td|th|table|hr|figure|figcaption|section|article|header|footer|iframe)(\s[^>]*)?/?>`)
	// urlInText finds URLs in plain text, for the budget.
	urlInText = regexp.MustCompile(`https?://\S+`)
	// moreMarker is WordPress's "[…]" at the end of automatic excerpts.
	moreMarker = regexp.MustCompile(`\s*\[(…|\.\.\.)\]\s*$`)
)

// plainText reduces HTML to its text, entities decoded, white space
// collapsed. Block boundaries and <br> become spaces first, so that
// "<p>One.</p><p>Two</p>" reads "One. Two", not "One.Two".
func plainText(strict *bluemonday.Policy, htmlText string) string {
	spaced := blockTag.ReplaceAllStringFunc(htmlText, func(tag string) string { return " " + tag + " " })
	return strings.TrimSpace(spaces.ReplaceAllString(html.UnescapeString(strict.Sanitize(spaced)), " "))
}

// weight is the length of post HTML as Mastodon counts it: characters of
// the text, every URL counting urlWeight.
func (r *Renderer) weight(postHTML string) int {
	text := urlInText.ReplaceAllString(plainText(r.strict, postHTML), strings.Repeat("x", urlWeight))
	return utf8.RuneCountInString(text)
}

// excerptSource is the plain text a post's excerpt is cut from: the
// summary, or without one the content, with WordPress's "[…]" turned into
// a plain "…".
func (r *Renderer) excerptSource(summary, content string) string {
	text := plainText(r.strict, summary)
	if text == "" {
		text = plainText(r.strict, content)
	}
	if moreMarker.MatchString(text) {
		text = moreMarker.ReplaceAllString(text, "") + "…"
	}
	return text
}

// cutAtWord shortens text to at most max characters including the "…" it
// appends, cutting at a space so no word is split. A text without a space
// to cut at yields "" (a first word longer than max is not shortened).
func cutAtWord(text string, max int) string {
	runes := []rune(text)
	if len(runes) <= max {
		return text
	}
	if max < 2 {
		return ""
	}
	for i := max - 1; i > 0; i-- {
		if runes[i] == ' ' {
			return strings.TrimRight(string(runes[:i]), " ,;:.-–—") + "…"
		}
	}
	return ""
}

// escapeText escapes plain text for use inside HTML.
func escapeText(s string) string {
	return html.EscapeString(s)
}
