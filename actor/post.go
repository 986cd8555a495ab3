package actor

import (
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"time"

	vocab "github.com/go-ap/activitypub"
)

// minExcerpt is the shortest excerpt worth showing; with less room the
// post goes without one.
const minExcerpt = 40

// postContext declares the terms posts use beyond ActivityStreams.
var postContext = []any{ActivityStreams, map[string]any{
	"sensitive": "as:sensitive",
	"Hashtag":   "as:Hashtag",
}}

// Post renders the object for item in style s: a Note (the default), or
// with s.Article an Article carrying a preview Note (FEP-b2b8). published
// is when the post first appeared; updated is zero for the original and
// later than the previous value for every edit (Mastodon ignores an Update
// whose updated is not newer).
//
// The Note's content comes from the style's template within its budget;
// images (the item's, then those of its HTML) become attachments; categories
// become hashtags; a category with a configured warning makes the post
// sensitive with that warning as summary. A Note never has a name: peers
// would show it as a title or a content warning.
func (r *Renderer) Post(handle string, s Style, item Item, published, updated time.Time) ([]byte, error) {
	item.Link = httpURL(item.Link)
	body, inline := liftMedia(item.Content)
	summary, summaryImages := liftMedia(item.Summary)
	tags := r.hashtags(item.Categories, s)
	text := r.excerptSource(summary, body)
	content, kept, err := r.fit(s, r.postData(item, body), tags, text)
	if err != nil {
		return nil, err
	}
	tags = tags[:kept]
	id := r.Object(handle, item.Key)
	lang := primaryLanguage(firstNonEmpty(s.Language, item.Language))
	warning := s.warning(item.Categories)
	media := attachments(append(append(append([]Image{}, item.Images...), inline...), summaryImages...))
	note := r.noteFields(handle, content, lang, warning, tags, media)
	if !s.Article {
		return r.object(vocab.NoteType, id, handle, item.Link, published, updated, note)
	}
	article := map[string]any{
		"name":       strings.TrimSpace(item.Title),
		"content":    r.articleContent(body, summary),
		"summary":    cutAtWord(text, s.excerptChars()),
		"sensitive":  warning != "",
		"tag":        note["tag"],
		"attachment": note["attachment"],
		"preview":    previewNote(r.Actor(handle), note),
	}
	if lang != "" {
		article["contentMap"] = map[string]string{lang: article["content"].(string)}
	}
	if article["summary"] == "" {
		article["summary"] = nil
	}
	return r.object(vocab.ArticleType, id, handle, item.Link, published, updated, article)
}

// Note renders item as a Note in the default Style (see Post).
func (r *Renderer) Note(handle string, item Item, published, updated time.Time) ([]byte, error) {
	return r.Post(handle, Style{}, item, published, updated)
}

// postData is the template input of item, before fitting.
func (r *Renderer) postData(item Item, body string) PostData {
	return PostData{
		Title:    cutAtWord(strings.TrimSpace(item.Title), DefaultMaxChars/2),
		Link:     item.Link,
		LinkText: linkText(item.Link),
		Content:  template.HTML(r.sanitizeBlocks(body)),
		Author:   item.Author,
	}
}

// fit executes the template so that the post stays within the budget:
// the excerpt gets the room the title and link leave (at most the style's
// excerpt length), cut at a word; then as many hashtags as fit, whole and
// in order. It returns the content and the number of hashtags kept.
func (r *Renderer) fit(s Style, d PostData, tags []hashtag, text string) (string, int, error) {
	budget := s.maxChars()
	render := func(excerpt string, n int) (string, int, error) {
		d.Excerpt, d.Hashtags, d.Tags = excerpt, hashtagLinks(tags[:n]), tagData(tags[:n])
		var b strings.Builder
		if err := s.template().Execute(&b, d); err != nil {
			return "", 0, fmt.Errorf("content template: %w", err)
		}
		out := strings.TrimSpace(r.policy.Sanitize(b.String()))
		return out, r.weight(out), nil
	}
	_, w, err := render("", 0)
	if err != nil {
		return "", 0, err
	}
	excerpt := ""
	for room := min(s.excerptChars(), budget-w-1); room >= minExcerpt && text != ""; { // 1: the space between paragraphs
		e := cutAtWord(text, room)
		if e == "" {
			break
		}
		_, ew, err := render(e, 0)
		if err != nil {
			return "", 0, err
		}
		if ew <= budget {
			excerpt = e
			break
		}
		room -= ew - budget
	}
	for n := len(tags); ; n-- {
		out, w, err := render(excerpt, n)
		if err != nil || w <= budget || n == 0 {
			return out, n, err
		}
	}
}

// linkDisplay is how many characters of a link Mastodon shows.
const linkDisplay = 30

// linkText renders link as Mastodon renders links in its own posts: the
// scheme in an invisible span, then the first linkDisplay characters
// (ellipsised when more follow), the rest invisible. Mastodon keeps these
// classes for remote posts too; servers that drop them show the whole URL.
func linkText(link string) template.HTML {
	scheme, rest, found := strings.Cut(link, "://")
	if !found {
		return template.HTML(escapeText(link))
	}
	r := []rune(rest)
	shown, hidden, class := rest, "", ""
	if len(r) > linkDisplay {
		shown, hidden, class = string(r[:linkDisplay]), string(r[linkDisplay:]), "ellipsis"
	}
	return template.HTML(`<span class="invisible">` + escapeText(scheme+"://") + `</span><span class="` + class + `">` +
		escapeText(shown) + `</span><span class="invisible">` + escapeText(hidden) + `</span>`)
}

func tagData(tags []hashtag) []TagData {
	out := make([]TagData, len(tags))
	for i, t := range tags {
		out[i] = TagData{Name: t.name, URL: t.href}
	}
	return out
}

// noteFields are the properties of a Note beyond those go-ap models.
func (r *Renderer) noteFields(handle, content, lang, warning string, tags []hashtag, media []map[string]any) map[string]any {
	f := map[string]any{"content": content, "sensitive": warning != ""}
	if len(tags) > 0 {
		f["tag"] = tagEntries(tags)
	}
	if len(media) > 0 {
		f["attachment"] = media
	}
	if lang != "" {
		f["contentMap"] = map[string]string{lang: content}
	}
	if warning != "" {
		f["summary"] = warning
	}
	return f
}

// previewNote is the preview of an Article (FEP-b2b8): the Note Herald
// would post, for servers that do not render Articles.
func previewNote(actorID string, note map[string]any) map[string]any {
	p := map[string]any{"type": "Note", "attributedTo": actorID}
	for k, v := range note {
		p[k] = v
	}
	return p
}

// articleContent is an Article's body: the whole sanitised article, or the
// summary when the feed has no content.
func (r *Renderer) articleContent(body, summary string) string {
	if out := r.sanitizeBlocks(body); plainText(r.strict, out) != "" {
		return out
	}
	return r.sanitizeBlocks(summary)
}

// emptyBlock matches paragraphs left empty (an image lifted out) and the
// white space between blocks, which peers would show as stray breaks.
var (
	emptyBlock   = regexp.MustCompile(`<p>\s*</p>`)
	betweenBlock = regexp.MustCompile(`>\s*\n\s*<`)
)

// sanitizeBlocks sanitises article HTML and drops empty paragraphs and
// newlines between elements.
func (r *Renderer) sanitizeBlocks(htmlText string) string {
	out := betweenBlock.ReplaceAllString(r.policy.Sanitize(htmlText), "><")
	return strings.TrimSpace(emptyBlock.ReplaceAllString(out, ""))
}

// object renders a public post of type typ with the common properties,
// extra (see document) and the interaction collections' ids.
func (r *Renderer) object(typ vocab.ActivityVocabularyType, id, handle, link string, published, updated time.Time, extra map[string]any) ([]byte, error) {
	return r.objectTo(typ, id, handle, link, published, updated, []string{PublicAudience}, []string{r.Followers(handle)}, extra)
}

// objectTo is object addressed to to and cc.
func (r *Renderer) objectTo(typ vocab.ActivityVocabularyType, id, handle, link string, published, updated time.Time, to, cc []string, extra map[string]any) ([]byte, error) {
	o := vocab.ObjectNew(typ)
	o.ID = iri(id)
	o.AttributedTo = iri(r.Actor(handle))
	if link != "" {
		o.URL = iri(link)
	}
	o.Published = published.UTC()
	if !updated.IsZero() {
		o.Updated = updated.UTC()
	}
	o.To, o.CC = iris(to), iris(cc)
	extra["replies"] = repliesRef(r.Replies(id))
	extra["likes"] = r.Likes(id)
	extra["shares"] = r.Shares(id)
	return document(o, postContext, extra)
}
