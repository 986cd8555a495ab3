package actor

import (
	"html"
	"html/template"
	"net/url"
	"strings"
	"unicode"
)

// maxHashtags bounds the hashtags of one post (Mastodon federates at most
// this many too).
const maxHashtags = 30

// hashtag is one category or tag of an item as a hashtag.
type hashtag struct {
	name string // without "#": "WaterKlimaat"
	href string
}

// hashtagName turns a category name into a hashtag name: letters, digits
// and underscores only; a name of several words is CamelCased ("Water &
// Klimaat" → "WaterKlimaat"), a single word is kept as it is. It returns ""
// when nothing usable is left or no letter is (Mastodon wants one).
func hashtagName(category string) string {
	words := strings.FieldsFunc(category, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '_'
	})
	if len(words) > 1 {
		for i, w := range words {
			r := []rune(w)
			r[0] = unicode.ToUpper(r[0])
			words[i] = string(r)
		}
	}
	name := strings.Join(words, "")
	if !strings.ContainsFunc(name, unicode.IsLetter) {
		return ""
	}
	return name
}

// hashtags returns the hashtags of categories, in order, without
// duplicates (case-insensitive) and without the excluded ones.
func (r *Renderer) hashtags(categories []string, s Style) []hashtag {
	excluded := map[string]bool{}
	for _, e := range s.excludedTags() {
		excluded[strings.ToLower(strings.TrimSpace(e))] = true
		excluded[strings.ToLower(hashtagName(e))] = true
	}
	var out []hashtag
	seen := map[string]bool{}
	for _, c := range categories {
		name := hashtagName(c)
		key := strings.ToLower(name)
		if name == "" || seen[key] || excluded[key] || excluded[strings.ToLower(strings.TrimSpace(c))] {
			continue
		}
		seen[key] = true
		out = append(out, hashtag{name: name, href: r.tagURL(s, key)})
		if len(out) == maxHashtags {
			break
		}
	}
	return out
}

// tagURL is the href of the hashtag lowerName: the feed's TagURL pattern,
// else BASE/tags/NAME (the shape Mastodon and most peers use; peers' web
// interfaces open their own tag timeline for links marked rel="tag").
func (r *Renderer) tagURL(s Style, lowerName string) string {
	if s.TagURL != "" {
		return strings.ReplaceAll(s.TagURL, "{tag}", url.PathEscape(lowerName))
	}
	return r.Base + "/tags/" + url.PathEscape(lowerName)
}

// hashtagLinks renders tags as Mastodon does: links marked rel="tag" and
// class "mention hashtag", separated by spaces.
func hashtagLinks(tags []hashtag) template.HTML {
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = `<a href="` + html.EscapeString(string(iri(t.href))) + `" class="mention hashtag" rel="tag">#<span>` + html.EscapeString(t.name) + `</span></a>`
	}
	return template.HTML(strings.Join(parts, " "))
}

// tagEntries renders tags as the tag property's Hashtag objects.
func tagEntries(tags []hashtag) []map[string]string {
	out := make([]map[string]string, len(tags))
	for i, t := range tags {
		out[i] = map[string]string{"type": "Hashtag", "href": string(iri(t.href)), "name": "#" + t.name}
	}
	return out
}
