package config

import (
	"strings"
	"testing"
)

// TestProfileAndPosts loads every per-feed profile and post key.
func TestProfileAndPosts(t *testing.T) {
	cfg, err := Load(writeConfig(t, `base_url: https://fedi.example.org
account_domain: Example.ORG
feeds:
  - handle: news
    url: https://example.org/feed/
    avatar: https://example.org/logo.png
    header: https://example.org/header.jpg
    actor_type: Organization
    fields:
      - {name: Website, value: "https://example.org/"}
      - {name: Contact, value: press@example.org}
    attribution_domains: [example.org, www.example.org]
    discoverable: false
    featured: ["https://example.org/2024/05/hello/"]
    featured_tags: ["#Water", Klimaat]
    show_followers: true
    also_known_as: ["https://old.example/users/news"]
    object_type: Article
    content_template: "<p>{{.Title}}</p>"
    max_chars: 1000
    excerpt_length: -1
    language: nl-NL
    hashtag_exclusions: [Nieuws]
    tag_url: "https://example.org/tag/{tag}/"
    content_warnings: {Oorlog: "Oorlog"}
`), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	f := cfg.Feeds[0]
	if cfg.HandleDomain() != "example.org" || cfg.Host() != "fedi.example.org" {
		t.Errorf("HandleDomain %q, Host %q", cfg.HandleDomain(), cfg.Host())
	}
	if f.ActorType != "Organization" || len(f.Fields) != 2 || f.Discoverable == nil || *f.Discoverable || f.Indexable != nil ||
		f.ObjectType != "Article" || f.MaxChars != 1000 || f.ExcerptLength != -1 || f.ContentWarnings["Oorlog"] != "Oorlog" ||
		!f.ShowFollowers || len(f.FeaturedTags) != 2 || f.TagURL == "" || f.Avatar == "" || f.Header == "" {
		t.Errorf("feed = %+v", f)
	}
}

func TestProfileInvalid(t *testing.T) {
	head := "base_url: https://news.example.org\nfeeds:\n  - handle: news\n    url: https://example.org/f\n"
	for _, c := range []struct{ name, yaml, key string }{
		{"avatar", "    avatar: logo.png\n", "feeds[0].avatar"},
		{"header", "    header: javascript:x\n", "feeds[0].header"},
		{"actor type", "    actor_type: Robot\n", "feeds[0].actor_type"},
		{"field without value", "    fields: [{name: Website}]\n", "feeds[0].fields[0]"},
		{"attribution domain", "    attribution_domains: [\"https://example.org\"]\n", "feeds[0].attribution_domains[0]"},
		{"featured tag", "    featured_tags: [\"two words\"]\n", "feeds[0].featured_tags[0]"},
		{"also known as", "    also_known_as: [\"@news@old.example\"]\n", "feeds[0].also_known_as[0]"},
		{"object type", "    object_type: Page\n", "feeds[0].object_type"},
		{"template", "    content_template: \"{{.Title\"\n", "feeds[0].content_template"},
		{"max chars", "    max_chars: 10\n", "feeds[0].max_chars"},
		{"excerpt length", "    excerpt_length: -5\n", "feeds[0].excerpt_length"},
		{"language", "    language: Nederlands\n", "feeds[0].language"},
		{"tag url without {tag}", "    tag_url: https://example.org/tags/\n", "feeds[0].tag_url"},
		{"empty warning", "    content_warnings: {Oorlog: \"\"}\n", "feeds[0].content_warnings"},
		{"account domain", "account_domain: https://example.org\n", "account_domain"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(writeConfig(t, head+c.yaml), env(nil))
			if err == nil || !strings.Contains(err.Error(), c.key) {
				t.Errorf("error %v does not name %s", err, c.key)
			}
		})
	}
}
