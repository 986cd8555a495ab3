package config

import (
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"strings"
)

// Profile is how one account presents itself. Name and Summary (the display
// name and bio) are Feed fields; everything here is optional, with defaults
// from the feed and the site.
type Profile struct {
	// Avatar is the URL of the profile picture; "" means the feed's image.
	Avatar string `yaml:"avatar"`
	// Header is the URL of the banner image; "" means none.
	Header string `yaml:"header"`
	// ActorType is Service (default: an automated account), Organization,
	// Person or Application.
	ActorType string `yaml:"actor_type"`
	// Fields are the profile's name/value table (Mastodon shows four).
	Fields []ProfileField `yaml:"fields"`
	// AttributionDomains are the domains whose articles may name this
	// account as author (link preview bylines); nil means the site's.
	AttributionDomains []string `yaml:"attribution_domains"`
	// Discoverable and Indexable let servers list the account and index its
	// posts for search; both default to true.
	Discoverable *bool `yaml:"discoverable"`
	Indexable    *bool `yaml:"indexable"`
	// Featured lists posts to pin, by article URL or item guid.
	Featured []string `yaml:"featured"`
	// FeaturedTags are hashtags shown on the profile (without "#").
	FeaturedTags []string `yaml:"featured_tags"`
	// ShowFollowers publishes who follows; by default only the count.
	ShowFollowers bool `yaml:"show_followers"`
	// AlsoKnownAs lists other accounts (actor URLs) of the same owner, as
	// needed to move followers here from them.
	AlsoKnownAs []string `yaml:"also_known_as"`
}

// ProfileField is one row of a profile's table. A value that is an
// http(s) URL becomes a link; the site's own URL carries rel="me", which
// Mastodon checks to show the link as verified.
type ProfileField struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
}

// Posts is how one account's posts look.
type Posts struct {
	// ObjectType is Note (default: full text on every server) or Article
	// (long form; Mastodon shows title, summary and link).
	ObjectType string `yaml:"object_type"`
	// ContentTemplate is a Go template for the post's HTML; "" means the
	// default (title, excerpt, link, hashtags).
	ContentTemplate string `yaml:"content_template"`
	// MaxChars is the post's budget in characters (a URL counts 23); 0
	// means 500.
	MaxChars int `yaml:"max_chars"`
	// ExcerptLength is the longest summary or excerpt; 0 means 300, -1 none.
	ExcerptLength int `yaml:"excerpt_length"`
	// Language is the posts' language ("nl"); "" means the feed's.
	Language string `yaml:"language"`
	// HashtagExclusions are categories and tags that never become hashtags;
	// nil means WordPress's "Uncategorized" in common languages.
	HashtagExclusions []string `yaml:"hashtag_exclusions"`
	// TagURL is the href of hashtags with {tag} for the lowercased name,
	// e.g. https://example.org/tag/{tag}/; "" means BASE_URL/tags/{tag}.
	TagURL string `yaml:"tag_url"`
	// ContentWarnings maps a category to the content warning its posts carry.
	ContentWarnings map[string]string `yaml:"content_warnings"`
}

// actorTypes are the allowed actor_type values.
var actorTypes = map[string]bool{"Service": true, "Organization": true, "Person": true, "Application": true}

// languagePattern is a BCP 47 tag, loosely: "nl", "en-GB", "pt_BR".
var languagePattern = regexp.MustCompile(`^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$`)

// domainPattern is a DNS name with an optional port.
var domainPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$`)

func (p Profile) validate() error {
	for key, v := range map[string]string{"avatar": p.Avatar, "header": p.Header} {
		if v != "" && !isHTTPURL(v) {
			return fmt.Errorf("%s: %q is not an http(s) URL", key, v)
		}
	}
	if p.ActorType != "" && !actorTypes[p.ActorType] {
		return fmt.Errorf("actor_type: %q is not one of Service, Organization, Person, Application", p.ActorType)
	}
	for i, f := range p.Fields {
		if strings.TrimSpace(f.Name) == "" || strings.TrimSpace(f.Value) == "" || len(f.Name) > 255 || len(f.Value) > 2048 {
			return fmt.Errorf("fields[%d]: name and value are required (at most 255 and 2048 bytes)", i)
		}
	}
	for i, d := range p.AttributionDomains {
		if !domainPattern.MatchString(d) {
			return fmt.Errorf("attribution_domains[%d]: %q is not a domain name", i, d)
		}
	}
	for i, t := range p.FeaturedTags {
		if t = strings.TrimPrefix(t, "#"); t == "" || strings.ContainsAny(t, " #/?&") {
			return fmt.Errorf("featured_tags[%d]: %q is not a hashtag", i, p.FeaturedTags[i])
		}
	}
	for i, a := range p.AlsoKnownAs {
		if !isHTTPURL(a) {
			return fmt.Errorf("also_known_as[%d]: %q is not an http(s) URL", i, a)
		}
	}
	return nil
}

func (p Posts) validate() error {
	switch p.ObjectType {
	case "", "Note", "Article":
	default:
		return fmt.Errorf("object_type: %q is not Note or Article", p.ObjectType)
	}
	if p.ContentTemplate != "" {
		if _, err := template.New("content").Parse(p.ContentTemplate); err != nil {
			return fmt.Errorf("content_template: %w", err)
		}
	}
	if p.MaxChars != 0 && (p.MaxChars < 100 || p.MaxChars > 100000) {
		return fmt.Errorf("max_chars: %d is not between 100 and 100000", p.MaxChars)
	}
	if p.ExcerptLength < -1 || p.ExcerptLength > 100000 {
		return fmt.Errorf("excerpt_length: %d is not between -1 and 100000", p.ExcerptLength)
	}
	if p.Language != "" && !languagePattern.MatchString(p.Language) {
		return fmt.Errorf("language: %q is not a language tag such as nl or en-GB", p.Language)
	}
	if p.TagURL != "" && (!isHTTPURL(strings.ReplaceAll(p.TagURL, "{tag}", "x")) || !strings.Contains(p.TagURL, "{tag}")) {
		return fmt.Errorf("tag_url: %q must be an http(s) URL containing {tag}", p.TagURL)
	}
	for cat, text := range p.ContentWarnings {
		if strings.TrimSpace(cat) == "" || strings.TrimSpace(text) == "" {
			return fmt.Errorf("content_warnings: %q: category and warning must not be empty", cat)
		}
	}
	return nil
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func (c *Config) validateAccountDomain() error {
	c.AccountDomain = strings.ToLower(strings.TrimSpace(c.AccountDomain))
	if c.AccountDomain != "" && !domainPattern.MatchString(c.AccountDomain) {
		return fmt.Errorf("account_domain: %q is not a domain name such as example.org", c.AccountDomain)
	}
	return nil
}

// HandleDomain returns the domain of handles (@HANDLE@DOMAIN):
// AccountDomain when set, else the host of BaseURL.
func (c *Config) HandleDomain() string {
	if c.AccountDomain != "" {
		return c.AccountDomain
	}
	return c.Host()
}
