package dashboard

import (
	"html"
	"regexp"
)

var (
	firstPara = regexp.MustCompile(`(?s)^\s*<p>(.*?)</p>`)
	tags      = regexp.MustCompile(`<[^>]*>`)
)

// PostTitle returns the plain text of a post's first paragraph, which is
// its title in the posts Herald renders, for listing posts on the pages.
func PostTitle(content string) string {
	if m := firstPara.FindStringSubmatch(content); m != nil {
		content = m[1]
	}
	return html.UnescapeString(tags.ReplaceAllString(content, ""))
}
