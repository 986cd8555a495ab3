package public

import (
	"reflect"
	"strings"
	"testing"
)

func TestBlocks(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       []Block
	}{
		{"empty", " \n\n ", nil},
		{"paragraphs", "One\nline two.\r\n\r\nThree.", []Block{{Text: "One\nline two."}, {Text: "Three."}}},
		{"headings", "# Title\n\n## Data\n\nText", []Block{{Heading: true, Text: "Title"}, {Heading: true, Text: "Data"}, {Text: "Text"}}},
		{"hash in a paragraph", "#1 rule\nis kept", []Block{{Text: "#1 rule\nis kept"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Blocks(c.text); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Blocks(%q) = %#v, want %#v", c.text, got, c.want)
			}
		})
	}
}

// TestPagesRender renders each page with and without an operator and
// checks the language, the single h1 and the policy links.
func TestPagesRender(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	site := Site{Lang: "nl", Host: "news.example"}
	for name, render := range map[string]func(*strings.Builder) error{
		"about":   func(b *strings.Builder) error { return p.About(b, AboutPage{Site: site}) },
		"privacy": func(b *strings.Builder) error { return p.Privacy(b, PolicyPage{Site: site}) },
		"minimum age": func(b *strings.Builder) error {
			return p.MinimumAge(b, PolicyPage{Site: site, Custom: Blocks("# Beleid\n\nTekst")})
		},
	} {
		var b strings.Builder
		if err := render(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		html := b.String()
		if !strings.Contains(html, `<html lang="nl">`) || strings.Count(html, "<h1>") != 1 ||
			!strings.Contains(html, `href="/about/privacy"`) || !strings.Contains(html, `href="/about/minimum-age"`) ||
			strings.Contains(html, "<script") {
			t.Errorf("%s:\n%s", name, html)
		}
	}
}

// TestPrivacyFollowerLists: the default privacy text says which accounts
// list their followers, and that none do when none are configured to.
func TestPrivacyFollowerLists(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lists []string
		want  string
	}{
		{nil, "no account lists who its followers are"},
		{[]string{"@news@news.example"}, "the followers of @news@news.example are listed publicly"},
	} {
		var b strings.Builder
		if err := p.Privacy(&b, PolicyPage{Site: Site{Lang: "en", Host: "news.example"}, ListsFollowers: c.lists}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), c.want) {
			t.Errorf("ListsFollowers %q: text lacks %q", c.lists, c.want)
		}
	}
}
