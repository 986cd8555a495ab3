package public

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"
)

// verbs matches the fmt verbs of a message.
var verbs = regexp.MustCompile(`%(\[\d\])?[sd]`)

// TestCatalogueComplete fails when a language lacks a key English has or
// has one English lacks, when a message is empty or takes other
// arguments than English's, and when a month or the date format is
// missing: a new language must be complete before it is used.
func TestCatalogueComplete(t *testing.T) {
	en := catalogue[fallback]
	for code, w := range catalogue {
		t.Run(code, func(t *testing.T) {
			for key, text := range en.text {
				got, ok := w.text[key]
				switch {
				case !ok:
					t.Errorf("lacks %q (English: %q)", key, text)
				case strings.TrimSpace(got) == "":
					t.Errorf("%q is empty", key)
				case strings.Join(verbs.FindAllString(got, -1), " ") != strings.Join(verbs.FindAllString(text, -1), " "):
					t.Errorf("%q = %q takes other arguments than English's %q", key, got, text)
				}
			}
			for key := range w.text {
				if _, ok := en.text[key]; !ok {
					t.Errorf("has %q, which English lacks", key)
				}
			}
			for i, m := range w.months {
				if m == "" {
					t.Errorf("month %d has no name", i+1)
				}
			}
			if w.date == "" {
				t.Error("no date format")
			}
		})
	}
}

// templateKey matches a message key a template uses: t "KEY" or
// count "KEY".
var templateKey = regexp.MustCompile(`\b(t|count) "([a-z_]+)"`)

// TestTemplateKeys fails when a template uses a key the catalogue lacks,
// and when the catalogue has a key no template uses.
func TestTemplateKeys(t *testing.T) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("templates: %v", err)
	}
	used := map[string]bool{}
	for _, name := range names {
		b, _ := files.ReadFile(name)
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			keys := []string{m[2]}
			if m[1] == "count" {
				keys = []string{m[2] + ".one", m[2] + ".other"}
			}
			for _, key := range keys {
				used[key] = true
				if _, ok := catalogue[fallback].text[key]; !ok {
					t.Errorf("%s uses %q, which the catalogue lacks", name, key)
				}
			}
		}
	}
	for key := range catalogue[fallback].text {
		if !used[key] {
			t.Errorf("no template uses %q", key)
		}
	}
}

func TestLanguage(t *testing.T) {
	for _, c := range []struct {
		name string
		tags []string
		want string
	}{
		{"supported", []string{"nl", "en"}, "nl"},
		{"region kept", []string{"nl-BE", "en"}, "nl-BE"},
		{"feed underscore", []string{"fr_FR"}, "fr-FR"},
		{"malformed cut to its language", []string{"de-"}, "de"},
		{"unknown: the operator's", []string{"sv", "de"}, "de"},
		{"unset: the operator's", []string{"", "en-GB"}, "en-GB"},
		{"neither known: English", []string{"sv", "fy"}, "en"},
		{"none", nil, "en"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Language(c.tags...); got != c.want {
				t.Errorf("Language(%q) = %q, want %q", c.tags, got, c.want)
			}
		})
	}
}

func TestDatesAndCounts(t *testing.T) {
	day := time.Date(2026, time.December, 7, 23, 0, 0, 0, time.UTC)
	first := time.Date(2026, time.December, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		lang, got, want string
	}{
		{"en", catalogue["en"].formatDate(day), "7 December 2026"},
		{"nl", catalogue["nl"].formatDate(day), "7 december 2026"},
		{"de", catalogue["de"].formatDate(day), "7. Dezember 2026"},
		{"fr", catalogue["fr"].formatDate(day), "7 décembre 2026"},
		{"fr", catalogue["fr"].formatDate(first), "1er décembre 2026"},
		{"nl", catalogue["nl"].formatDate(first), "1 december 2026"},
		{"en", catalogue["en"].count("likes", 1), "1 like"},
		{"en", catalogue["en"].count("replies", 0), "0 replies"},
		{"nl", catalogue["nl"].count("likes", 3), "3 favorieten"},
		{"nl", catalogue["nl"].count("replies", 1), "1 reactie"},
		{"de", catalogue["de"].count("replies", 2), "2 Antworten"},
		{"fr", catalogue["fr"].count("replies", 0), "0 réponse"},
		{"fr", catalogue["fr"].count("replies", 2), "2 réponses"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.lang, c.got, c.want)
		}
	}
}
