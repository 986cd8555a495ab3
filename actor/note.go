package actor

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	vocab "github.com/go-ap/activitypub"
)

// Item is the part of a feed item a post is made of.
type Item struct {
	// Key is the item's stable identity; the object id derives from it.
	Key string
	// Title is plain text; Link the article URL.
	Title, Link string
	// Summary and Content are HTML from the feed (sanitised here).
	Summary, Content string
	// Language is the feed's language tag ("nl-NL"), "" if unknown.
	Language string
	// Author is the author's name, "" if unknown.
	Author string
	// Categories are the item's categories and tags, as the site names them.
	Categories []string
	// Images are the item's pictures, the featured image first.
	Images []Image
}

// Image is a picture belonging to an item.
type Image struct {
	// URL is the absolute http(s) address; MediaType its type ("image/jpeg"),
	// "" if unknown.
	URL, MediaType string
	// Alt is the alternative text, "" if none.
	Alt string
	// Width and Height are in pixels, 0 if unknown.
	Width, Height int
}

// Note renders the Note for item, posted by handle. published is when the
// post first appeared; updated is zero for the original and later than the
// previous value for every edit (Mastodon ignores an Update whose updated is
// not newer). The content is the title linked to the article, then the
// summary or an excerpt as sanitised HTML. A Note never has a name or a
// summary: peers would show those as a title or a content warning.
func (r *Renderer) Note(handle string, item Item, published, updated time.Time) ([]byte, error) {
	id := r.Object(handle, item.Key)
	n := vocab.ObjectNew(vocab.NoteType)
	n.ID = iri(id)
	n.AttributedTo = iri(r.Actor(handle))
	item.Link = httpURL(item.Link)
	content := r.noteContent(item)
	n.Content = vocab.DefaultNaturalLanguageValue(content)
	if item.Link != "" {
		n.URL = iri(item.Link)
	}
	n.Published = published.UTC()
	if !updated.IsZero() {
		n.Updated = updated.UTC()
	}
	n.To = vocab.ItemCollection{vocab.PublicNS}
	n.CC = vocab.ItemCollection{iri(r.Followers(handle))}
	extra := map[string]any{"sensitive": false}
	if lang := primaryLanguage(item.Language); lang != "" {
		extra["contentMap"] = map[string]string{lang: content}
	}
	return document(n, noteContext, extra)
}

// noteContext declares the one Mastodon term Notes use.
var noteContext = []any{ActivityStreams, map[string]any{"sensitive": "as:sensitive"}}

// noteContent is the HTML body of item's post.
func (r *Renderer) noteContent(item Item) string {
	title := strings.TrimSpace(item.Title)
	if title == "" {
		title = item.Link
	}
	var b strings.Builder
	switch {
	case item.Link != "":
		b.WriteString(`<p><a href="` + escapeText(item.Link) + `">` + escapeText(title) + "</a></p>")
	case title != "":
		b.WriteString("<p>" + escapeText(title) + "</p>")
	}
	b.WriteString(r.excerpt(item.Summary, item.Content))
	return b.String()
}

// httpURL returns link, made safe by iri, when it is an absolute http(s)
// URL, else "": the title link must obey the same rule as links in the body.
func httpURL(link string) string {
	link = strings.TrimSpace(link)
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return string(iri(link))
}

// primaryLanguage returns the primary subtag of a language tag, lowercased:
// "nl-NL" → "nl". Mastodon keys contentMap by it.
// RSS feeds also write "en_US"; anything but 2-3 letters yields "".
func primaryLanguage(tag string) string {
	primary, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"), "-")
	primary = strings.ToLower(primary)
	if len(primary) < 2 || len(primary) > 3 {
		return ""
	}
	for _, c := range primary {
		if c < 'a' || c > 'z' {
			return ""
		}
	}
	return primary
}

// Create wraps note (as rendered by Note) in the Create activity that
// announces it. The activity's id derives from the object's, and its
// audience copies the object's.
func (r *Renderer) Create(handle string, note []byte, published time.Time) (id string, doc []byte, err error) {
	return r.wrap(vocab.CreateType, handle, note, published, func(objectID string) string { return r.URLs.Create(objectID) })
}

// Update wraps note, an edited version, in the version-th Update activity
// (version counts from 1). at is the note's new updated time.
func (r *Renderer) Update(handle string, note []byte, version int, at time.Time) (id string, doc []byte, err error) {
	return r.wrap(vocab.UpdateType, handle, note, at, func(objectID string) string { return r.URLs.Update(objectID, version) })
}

func (r *Renderer) wrap(typ vocab.ActivityVocabularyType, handle string, note []byte, at time.Time, mintID func(string) string) (string, []byte, error) {
	object, err := withoutContext(note)
	if err != nil {
		return "", nil, err
	}
	var head struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(object, &head); err != nil {
		return "", nil, err
	}
	id := mintID(head.ID)
	act := vocab.ActivityNew(iri(id), typ, nil)
	act.Actor = iri(r.Actor(handle))
	act.Published = at.UTC()
	act.To = vocab.ItemCollection{vocab.PublicNS}
	act.CC = vocab.ItemCollection{iri(r.Followers(handle))}
	doc, err := document(act, noteContext, map[string]any{"object": object})
	return id, doc, err
}

// Accept renders handle's Accept of a Follow. The Follow is embedded whole
// (id, type, actor, object): Mastodon matches the Accept to its pending
// follow by the embedded id. The Accept is addressed to the follower.
func (r *Renderer) Accept(handle, followID, followerID string) (id string, doc []byte, err error) {
	follow := vocab.FollowNew(iri(followID), iri(r.Actor(handle)))
	follow.Actor = iri(followerID)
	id = r.URLs.Accept(handle, followID)
	act := vocab.AcceptNew(iri(id), follow)
	act.Actor = iri(r.Actor(handle))
	act.To = vocab.ItemCollection{iri(followerID)}
	doc, err = document(act, ActivityStreams, nil)
	return id, doc, err
}
