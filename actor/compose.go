package actor

import (
	"cmp"
	"html"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The text of a post written in a Mastodon app is plain text, formatted as
// Mastodon's TextFormatter formats it (app/lib/text_formatter.rb): HTML
// escaped, http(s) URLs linked with their display cut after 30
// characters, @mentions of accounts that were found linked to them (the
// others stay text), #hashtags linked, paragraphs at blank lines and line
// breaks at single newlines (Rails' simple_format).

var (
	// mentionPattern is Mastodon's Account::MENTION_RE (username, then
	// an optional domain), with a port allowed after the domain.
	mentionPattern = regexp.MustCompile(`@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?:@([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?))?`)
	// hashtagPattern is a hashtag: letters, digits and underscores, with
	// at least one letter (Mastodon's Tag::HASHTAG_RE, less its middle dots).
	hashtagPattern = regexp.MustCompile(`#([\p{L}\p{M}\p{N}_]*[\p{L}\p{M}][\p{L}\p{M}\p{N}_]*)`)
	// linkPattern is an http(s) URL up to white space or an angle bracket.
	linkPattern = regexp.MustCompile(`https?://[^\s<>"]+`)
)

// entity is a mention, hashtag or link found in a post's text.
type entity struct {
	start, end int    // byte offsets in the text
	kind       byte   // '@', '#' or 'u'
	value      string // the acct (user or user@domain), the tag name, or the URL
}

// entities finds the links, mentions and hashtags of text, in order and
// without overlaps (a link's own @ and # are part of it).
func entities(text string) []entity {
	var all []entity
	for _, m := range linkPattern.FindAllStringIndex(text, -1) {
		end := m[0] + len(trimLinkEnd(text[m[0]:m[1]]))
		if startsWord(text, m[0], "") {
			all = append(all, entity{m[0], end, 'u', text[m[0]:end]})
		}
	}
	for _, m := range mentionPattern.FindAllStringSubmatchIndex(text, -1) {
		if startsWord(text, m[0], "=/") {
			all = append(all, entity{m[0], m[1], '@', text[m[0]+1 : m[1]]})
		}
	}
	for _, m := range hashtagPattern.FindAllStringSubmatchIndex(text, -1) {
		if startsWord(text, m[0], "=/)") {
			all = append(all, entity{m[0], m[1], '#', text[m[2]:m[3]]})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].start < all[j].start })
	var out []entity
	for _, e := range all {
		if len(out) == 0 || e.start >= out[len(out)-1].end {
			out = append(out, e)
		}
	}
	return out
}

// startsWord reports whether an entity may start at i: at the start of
// text, or after a character that is not a letter, digit or underscore
// nor one of also.
func startsWord(text string, i int, also string) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && !strings.ContainsRune(also, r)
}

// trimLinkEnd drops what ends a sentence rather than a URL: trailing
// punctuation, and closing brackets without an opening one in the URL.
func trimLinkEnd(link string) string {
	for link != "" {
		last := link[len(link)-1]
		switch {
		case strings.IndexByte(".,;:!?'*", last) >= 0:
			link = link[:len(link)-1]
		case last == ')' && strings.Count(link, "(") < strings.Count(link, ")"):
			link = link[:len(link)-1]
		default:
			return link
		}
	}
	return link
}

// MentionsIn returns the accounts text mentions (user or user@domain, as
// written, without the @), each once, in order.
func MentionsIn(text string) []string {
	var out []string
	for _, e := range entities(text) {
		if e.kind == '@' && !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, e.value) }) {
			out = append(out, e.value)
		}
	}
	return out
}

// Mentioned is an account a post mentions, as it was found.
type Mentioned struct {
	// ID is its actor id; URL its profile page ("" for none: the id is
	// linked); Username its preferredUsername; Acct user@domain.
	ID, URL, Username, Acct string
}

// Composed is the text of a post, formatted.
type Composed struct {
	// HTML is the post's content.
	HTML string
	// Mentions are the accounts linked, in order, each once.
	Mentions []Mentioned
	// Hashtags are the hashtags, as first written, each once.
	Hashtags []string
}

// Compose formats text (see the comment above). found gives the accounts
// the mentions name, by the lowercased mention as MentionsIn returned it;
// a mention not in found stays text.
func (r *Renderer) Compose(text string, found map[string]Mentioned) Composed {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	var c Composed
	var b strings.Builder
	at := 0
	for _, e := range entities(text) {
		b.WriteString(html.EscapeString(text[at:e.start]))
		at = e.end
		switch e.kind {
		case 'u':
			b.WriteString(`<a href="` + html.EscapeString(e.value) + `" target="_blank" rel="nofollow noopener noreferrer">` + string(linkText(e.value)) + `</a>`)
		case '#':
			b.WriteString(`<a href="` + html.EscapeString(r.tagURL(Style{}, strings.ToLower(e.value))) + `" class="mention hashtag" rel="tag">#<span>` + html.EscapeString(e.value) + `</span></a>`)
			if !slices.ContainsFunc(c.Hashtags, func(s string) bool { return strings.EqualFold(s, e.value) }) {
				c.Hashtags = append(c.Hashtags, e.value)
			}
		default:
			m, ok := found[strings.ToLower(e.value)]
			if !ok {
				b.WriteString(html.EscapeString(text[e.start:e.end]))
				continue
			}
			b.WriteString(`<span class="h-card" translate="no"><a href="` + html.EscapeString(cmp.Or(m.URL, m.ID)) + `" class="u-url mention">@<span>` + html.EscapeString(m.Username) + `</span></a></span>`)
			if !slices.ContainsFunc(c.Mentions, func(x Mentioned) bool { return x.ID == m.ID }) {
				c.Mentions = append(c.Mentions, m)
			}
		}
	}
	b.WriteString(html.EscapeString(text[at:]))
	c.HTML = paragraphs(b.String())
	return c
}

// blankLines separate paragraphs.
var blankLines = regexp.MustCompile(`\n[ \t]*\n\s*`)

// paragraphs is Rails' simple_format as Mastodon uses it: <p> around each
// paragraph, <br /> for each single newline, no newlines left.
func paragraphs(escaped string) string {
	if escaped == "" {
		return ""
	}
	var b strings.Builder
	for _, p := range blankLines.Split(escaped, -1) {
		b.WriteString("<p>" + strings.ReplaceAll(p, "\n", "<br />") + "</p>")
	}
	return b.String()
}

// StatusLength is the length of a post's text as Mastodon counts it
// against its limit (StatusLengthValidator): characters, every URL
// counting 23 and every mention only its username.
func StatusLength(text string) int {
	n, at := 0, 0
	for _, e := range entities(text) {
		n += utf8.RuneCountInString(text[at:e.start])
		at = e.end
		switch e.kind {
		case 'u':
			n += urlWeight
		case '@':
			user, _, _ := strings.Cut(e.value, "@")
			n += 1 + utf8.RuneCountInString(user)
		default:
			n += utf8.RuneCountInString(text[e.start:e.end])
		}
	}
	return n + utf8.RuneCountInString(text[at:])
}
