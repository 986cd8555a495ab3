package public

import (
	"fmt"
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// fallback is the language whose wording stands in for every other.
const fallback = "en"

// langTag is a language tag as far as the HTML lang attribute needs it.
var langTag = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// Language returns the language a page is worded in, for its lang
// attribute: the first of tags whose primary language the pages speak,
// else English. A tag keeps its region ("nl-BE"; the page is then in
// Dutch) and "_" becomes "-" (feeds write "nl_NL"); a tag that is no
// valid lang attribute is cut to its primary language. Callers pass the
// account's language first, then operator.language.
func Language(tags ...string) string {
	for _, tag := range tags {
		tag = strings.ReplaceAll(strings.TrimSpace(tag), "_", "-")
		base := primary(tag)
		if _, ok := catalogue[base]; !ok {
			continue
		}
		if !langTag.MatchString(tag) {
			return base
		}
		return tag
	}
	return fallback
}

// primary returns the primary subtag of a language tag, lowercased.
func primary(tag string) string {
	base, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	return strings.ToLower(strings.TrimSpace(base))
}

// wordedIn returns the code of the language in which a page whose lang
// attribute is lang is worded: its primary language, English when the
// pages do not speak it.
func wordedIn(lang string) string {
	if _, ok := catalogue[primary(lang)]; ok {
		return primary(lang)
	}
	return fallback
}

// message returns the text of key in w, English when w lacks it (a test
// sees that none does), and the key itself when English lacks it too.
func (w wording) message(key string, args ...any) string {
	text, ok := w.text[key]
	if !ok {
		if text, ok = catalogue[fallback].text[key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// count returns the counted message key for n: KEY.one or KEY.other.
func (w wording) count(key string, n int) string {
	if n == 1 || (n == 0 && w.zeroIsOne) {
		return w.message(key+".one", n)
	}
	return w.message(key+".other", n)
}

// formatDate writes the day of t (in UTC) as the language does.
func (w wording) formatDate(t time.Time) string {
	t = t.UTC()
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 && w.first != "" {
		day = w.first
	}
	return fmt.Sprintf(w.date, day, w.months[t.Month()-1], t.Year())
}

// postList is a list of posts whose titles are in the language Lang.
type postList struct {
	Posts []PostLink
	Lang  string
}

// funcs are the template functions of pages worded in the language code:
// t "KEY" ARGS... (a message), count "KEY" N (a counted message), date
// (a day), wordlang (code itself), and page, links, isodate.
func (w wording) funcs(code string) template.FuncMap {
	return template.FuncMap{
		"links":    func(posts []PostLink, lang string) postList { return postList{Posts: posts, Lang: lang} },
		"t":        w.message,
		"count":    w.count,
		"date":     w.formatDate,
		"wordlang": func() string { return code },
		"page":     func(title string, s Site) head { return head{Title: title, Site: s} },
		"isodate":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	}
}
