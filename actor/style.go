package actor

import (
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"
)

// Defaults of a Style's zero fields.
const (
	// DefaultMaxChars is the post budget: Mastodon's 500 characters, counted
	// as Mastodon counts them (a URL counts 23).
	DefaultMaxChars = 500
	// DefaultExcerptChars is the longest summary or excerpt a post carries.
	DefaultExcerptChars = 300
	// urlWeight is what one URL counts towards the budget, as in Mastodon.
	urlWeight = 23
)

// DefaultTemplate is the content template of posts when a feed configures
// none: the title, then the summary (or an excerpt of the article), then the
// article link (the first link of the post, so that peers build their link
// preview card from it), then the hashtags.
//
// Templates use Go template syntax (text/template) and are executed by
// html/template, which escapes every value for where it appears; .Content
// and .Hashtags are HTML already. The result is sanitised once more.
const DefaultTemplate = `{{with .Title}}<p><strong>{{.}}</strong></p>{{end}}` +
	`{{with .Excerpt}}<p>{{.}}</p>{{end}}` +
	`{{with .Link}}<p><a href="{{.}}">{{$.LinkText}}</a></p>{{end}}` +
	`{{with .Hashtags}}<p>{{.}}</p>{{end}}`

// DefaultExcludedTags are category names that say nothing and never become
// hashtags: WordPress's default category in common locales.
var DefaultExcludedTags = []string{"Uncategorized", "Uncategorised", "Geen categorie", "Non classé", "Allgemein", "Sin categoría", "Senza categoria"}

// Style is how one account's posts look. The zero Style renders Notes with
// DefaultTemplate within DefaultMaxChars.
type Style struct {
	// Article makes posts Articles (title, full content, summary) with a
	// preview Note (FEP-b2b8) instead of Notes.
	Article bool
	// Template renders the content of Notes and of Articles' preview Notes;
	// nil means DefaultTemplate. See ParseTemplate.
	Template *template.Template
	// MaxChars is the post budget; 0 means DefaultMaxChars.
	MaxChars int
	// ExcerptChars is the longest summary or excerpt; 0 means
	// DefaultExcerptChars, negative means none.
	ExcerptChars int
	// ExcludedTags are category or tag names that never become hashtags
	// (compared case-insensitively, also after CamelCasing); nil means
	// DefaultExcludedTags.
	ExcludedTags []string
	// TagURL is the href of hashtags, with {tag} standing for the lowercased
	// tag name; "" means BASE/tags/{tag}.
	TagURL string
	// Warnings maps a category (case-insensitive) to the content warning
	// posts in that category carry (summary, and sensitive true).
	Warnings map[string]string
	// Language overrides the feed's language ("nl").
	Language string
}

// ParseTemplate parses a content template (see DefaultTemplate for the
// syntax and PostData for the fields). It executes the template once on
// sample data so that a typo in a field name fails here, at startup.
func ParseTemplate(text string) (*template.Template, error) {
	t, err := template.New("content").Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("content template: %w", err)
	}
	var b strings.Builder
	sample := PostData{Title: "T", Excerpt: "E", Link: "https://example.org/", LinkText: "example.org", Hashtags: "#x", Content: "<p>C</p>", Author: "A", Tags: []TagData{{Name: "x", URL: "https://example.org/tags/x"}}}
	if err := t.Execute(&b, sample); err != nil {
		return nil, fmt.Errorf("content template: %w", err)
	}
	return t, nil
}

// PostData is what a content template sees.
type PostData struct {
	// Title is the item's title (plain text), "" for items without one
	// (then the excerpt may take the whole budget).
	Title string
	// Excerpt is the summary or an excerpt of the article, plain text, cut
	// at a word to fit the budget; "" when it does not fit.
	Excerpt string
	// Link is the article URL.
	Link string
	// LinkText is Link as Mastodon displays links (HTML): the scheme
	// hidden, the first 30 characters shown, the rest hidden behind an
	// ellipsis.
	LinkText template.HTML
	// Hashtags are the hashtag links, separated by spaces (HTML).
	Hashtags template.HTML
	// Tags are the hashtags one by one, for templates that lay them out.
	Tags []TagData
	// Content is the whole article, sanitised HTML (images removed, iframes
	// turned into links). It does not fit the budget: use it with care.
	Content template.HTML
	// Author is the author's name, "" if unknown.
	Author string
}

// TagData is one hashtag for templates.
type TagData struct {
	// Name is the hashtag without "#"; URL its href.
	Name, URL string
}

var defaultTemplate = template.Must(ParseTemplate(DefaultTemplate))

func (s Style) template() *template.Template {
	if s.Template != nil {
		return s.Template
	}
	return defaultTemplate
}

func (s Style) maxChars() int {
	if s.MaxChars > 0 {
		return s.MaxChars
	}
	return DefaultMaxChars
}

func (s Style) excerptChars() int {
	switch {
	case s.ExcerptChars < 0:
		return 0
	case s.ExcerptChars == 0:
		return DefaultExcerptChars
	}
	return s.ExcerptChars
}

func (s Style) excludedTags() []string {
	if s.ExcludedTags != nil {
		return s.ExcludedTags
	}
	return DefaultExcludedTags
}

// warning returns the content warning for an item in categories, "" if
// none: that of the item's first category with one (configured categories
// that differ only in case are tried in sorted order).
func (s Style) warning(categories []string) string {
	keys := slices.Sorted(maps.Keys(s.Warnings))
	for _, c := range categories {
		for _, cat := range keys {
			if strings.EqualFold(strings.TrimSpace(cat), strings.TrimSpace(c)) {
				return s.Warnings[cat]
			}
		}
	}
	return ""
}
