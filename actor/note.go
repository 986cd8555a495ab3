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
	return r.wrapTo(typ, handle, note, at, []string{PublicAudience}, []string{r.Followers(handle)}, mintID)
}

// wrapTo is wrap addressed to to and cc.
func (r *Renderer) wrapTo(typ vocab.ActivityVocabularyType, handle string, note []byte, at time.Time, to, cc []string, mintID func(string) string) (string, []byte, error) {
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
	act.To, act.CC = iris(to), iris(cc)
	doc, err := document(act, postContext, map[string]any{"object": object})
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
