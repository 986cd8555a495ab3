package feeds

import (
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	ext "github.com/mmcdole/gofeed/extensions"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
)

// origItem is what the universal gofeed item loses and Item needs: whether
// an RSS guid may be used as the link, and whether the content is plain text.
type origItem struct {
	guidNotLink bool   // RSS <guid isPermaLink="false">
	plainBody   string // Atom content type="text" or JSON Feed content_text, unescaped
}

// origItems holds one origItem per item, in document order.
type origItems []origItem

// at returns the origItem at i, or the zero origItem.
func (o origItems) at(i int) origItem {
	if i < len(o) {
		return o[i]
	}
	return origItem{}
}

// originalItems reads the format-specific facts from the source document
// that gofeed kept (gofeed translates items in document order).
func originalItems(gf *gofeed.Feed) origItems {
	switch src := gf.OriginalFeed().(type) {
	case *rss.Feed:
		out := make(origItems, len(src.Items))
		for i, it := range src.Items {
			out[i].guidNotLink = it != nil && it.GUID != nil &&
				strings.EqualFold(strings.TrimSpace(it.GUID.IsPermalink), "false")
		}
		return out
	case *atom.Feed:
		out := make(origItems, len(src.Entries))
		for i, e := range src.Entries {
			if e != nil && e.Content != nil && isTextType(e.Content.Type) {
				out[i].plainBody = e.Content.Value
			}
		}
		return out
	case *jsonfeed.Feed:
		out := make(origItems, len(src.Items))
		for i, it := range src.Items {
			if it != nil && it.ContentHTML == "" {
				out[i].plainBody = it.ContentText
			}
		}
		return out
	}
	return nil
}

// isTextType reports whether an Atom content type attribute means plain
// text (RFC 4287 section 4.1.3: absent means "text").
func isTextType(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	return t == "" || t == "text" || strings.HasPrefix(t, "text/plain")
}

// newItem normalises one gofeed item.
func newItem(gi *gofeed.Item, o origItem, base *url.URL, feedAuthor string) Item {
	it := Item{
		Title:      plainText(gi.Title),
		Link:       resolveHTTP(base, gi.Link),
		Summary:    strings.TrimSpace(gi.Description),
		Content:    strings.TrimSpace(gi.Content),
		Author:     personName(gi.Author, gi.Authors),
		Categories: cleanCategories(gi.Categories),
		ImageURL:   itemImage(gi, base),
		Updated:    utc(gi.UpdatedParsed),
	}
	if o.plainBody != "" {
		it.Content = textToHTML(o.plainBody)
	}
	if it.Author == "" {
		it.Author = feedAuthor
	}
	it.Published = utc(gi.PublishedParsed)
	if it.Published.IsZero() {
		it.Published = it.Updated
	}
	guid := strings.TrimSpace(gi.GUID)
	if it.Link == "" && !o.guidNotLink {
		// An RSS guid is a permalink unless it says otherwise; Atom and
		// JSON Feed ids are often the article URL too.
		it.Link = resolveHTTP(nil, guid)
	}
	it.Key = itemKey(guid, it)
	it.Hash = itemHash(it)
	return it
}

// itemKey picks the identity of it: the guid, else the link, else a hash.
func itemKey(guid string, it Item) string {
	if guid != "" {
		return normalizeKey(guid)
	}
	if it.Link != "" {
		return normalizeKey(it.Link)
	}
	return contentKey(it)
}

// utc returns *t in UTC, or the zero time for nil.
func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// personName returns the plain-text name of the first person that has one.
func personName(first *gofeed.Person, all []*gofeed.Person) string {
	for _, p := range append([]*gofeed.Person{first}, all...) {
		if p != nil {
			if name := plainText(p.Name); name != "" {
				return name
			}
		}
	}
	return ""
}

// cleanCategories trims, decodes and deduplicates categories, keeping the
// first occurrence of each in document order.
func cleanCategories(in []string) []string {
	var out []string
	seen := make(map[string]bool, len(in))
	for _, c := range in {
		c = collapseSpace(html.UnescapeString(c))
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, c)
	}
	return out
}

// textToHTML escapes plain text into HTML paragraphs: blank lines separate
// paragraphs and single newlines become <br>.
func textToHTML(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	var b strings.Builder
	for _, para := range strings.Split(s, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>"))
		b.WriteString("</p>")
	}
	return b.String()
}

// imageCandidate is a possible item image: a URL, its declared MIME type
// (maybe ""), and whether the source says it is an image.
type imageCandidate struct {
	url, mime string
	isImage   bool
}

// itemImage returns the first raster image among the item's image field,
// enclosures and Media RSS elements, absolute; "" if none.
func itemImage(gi *gofeed.Item, base *url.URL) string {
	var cands []imageCandidate
	if gi.Image != nil {
		cands = append(cands, imageCandidate{url: gi.Image.URL, isImage: true})
	}
	for _, e := range gi.Enclosures {
		if e != nil {
			cands = append(cands, imageCandidate{url: e.URL, mime: e.Type})
		}
	}
	cands = append(cands, mediaImages(gi.Extensions["media"])...)
	for _, c := range cands {
		if u := resolveHTTP(base, c.url); u != "" && isRasterImage(c, u) {
			return u
		}
	}
	return ""
}

// mediaImages lists Media RSS content and thumbnails, also inside
// media:group.
func mediaImages(media map[string][]ext.Extension) []imageCandidate {
	var out []imageCandidate
	add := func(es []ext.Extension, thumb bool) {
		for _, e := range es {
			out = append(out, imageCandidate{
				url:     e.Attrs["url"],
				mime:    e.Attrs["type"],
				isImage: thumb || e.Attrs["medium"] == "image",
			})
		}
	}
	add(media["content"], false)
	add(media["thumbnail"], true)
	for _, g := range media["group"] {
		add(g.Children["content"], false)
		add(g.Children["thumbnail"], true)
	}
	return out
}
