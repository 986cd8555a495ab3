package actor

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	vocab "github.com/go-ap/activitypub"
)

// Visibilities of a post written in a Mastodon app, as Mastodon names
// them; each has its audience (see Audience).
const (
	Public   = "public"
	Unlisted = "unlisted"
	Direct   = "direct"
)

// PublicAudience is the id of the public collection, as Herald writes it.
const PublicAudience = string(vocab.PublicNS)

// StatusID returns the id of the post of handle whose client API id is id:
// BASE/users/HANDLE/posts/ID. The decimal id never has the 32 hex digits
// of a feed post's slug, so the two kinds of ids never meet.
func (u URLs) StatusID(handle string, id uint64) string {
	return u.Actor(handle) + "/posts/" + strconv.FormatUint(id, 10)
}

// Audience returns the addressing of handle's post of visibility that
// mentions the actors mentioned, as Mastodon addresses it
// (ActivityPub::TagManager#to and #cc): public to everyone, the followers
// and the mentioned in cc; unlisted to the followers, everyone and the
// mentioned in cc; direct to the mentioned only, nothing in cc.
func (r *Renderer) Audience(handle, visibility string, mentioned []string) (to, cc []string) {
	switch visibility {
	case Direct:
		return append([]string{}, mentioned...), []string{}
	case Unlisted:
		return []string{r.Followers(handle)}, append([]string{PublicAudience}, mentioned...)
	default:
		return []string{PublicAudience}, append([]string{r.Followers(handle)}, mentioned...)
	}
}

// Status is a post written in a Mastodon app, ready to render.
type Status struct {
	// ID is the object id (URLs.StatusID).
	ID string
	// Text is the formatted text (Compose).
	Text Composed
	// Summary is the content warning (plain text); Sensitive marks the
	// post sensitive (as a summary does anyway).
	Summary   string
	Sensitive bool
	// Language is the post's ISO 639 code ("" for none).
	Language string
	// InReplyTo is the id of the post it answers ("" for none).
	InReplyTo string
	// To and CC are its audience (Audience).
	To, CC    []string
	Published time.Time
}

// StatusNote renders handle's Note of s: its content, content warning,
// language, what it answers, its Mention and Hashtag tags and its
// audience, with the interaction collections every post has. It has no
// url: the id is its page.
func (r *Renderer) StatusNote(handle string, s Status) ([]byte, error) {
	extra := map[string]any{"content": s.Text.HTML, "sensitive": s.Sensitive || s.Summary != ""}
	if s.Language != "" {
		extra["contentMap"] = map[string]string{s.Language: s.Text.HTML}
	}
	if s.Summary != "" {
		extra["summary"] = s.Summary
	}
	if s.InReplyTo != "" {
		extra["inReplyTo"] = s.InReplyTo
	}
	var tags []map[string]string
	for _, m := range s.Text.Mentions {
		tags = append(tags, map[string]string{"type": "Mention", "href": m.ID, "name": "@" + m.Acct})
	}
	for _, name := range s.Text.Hashtags {
		tags = append(tags, map[string]string{"type": "Hashtag", "href": r.tagURL(Style{}, strings.ToLower(name)), "name": "#" + name})
	}
	if len(tags) > 0 {
		extra["tag"] = tags
	}
	return r.objectTo(vocab.NoteType, s.ID, handle, "", s.Published, time.Time{}, s.To, s.CC, extra)
}

// StatusCreate wraps note, rendered by StatusNote, in its Create, with the
// note's audience.
func (r *Renderer) StatusCreate(handle string, note []byte, s Status) (id string, doc []byte, err error) {
	return r.wrapTo(vocab.CreateType, handle, note, s.Published, s.To, s.CC, r.URLs.Create)
}

// StatusDelete renders handle's Delete of its post objectID, with the post
// as an embedded Tombstone (as Delete does), addressed as the post was.
func (r *Renderer) StatusDelete(handle, objectID string, to, cc []string, at time.Time) (id string, doc []byte, err error) {
	id = r.URLs.Delete(objectID)
	act := vocab.DeleteNew(iri(id), tombstone(objectID, string(vocab.NoteType), at))
	act.Actor = iri(r.Actor(handle))
	act.Published = at.UTC()
	act.To, act.CC = iris(to), iris(cc)
	doc, err = document(act, ActivityStreams, nil)
	return id, doc, err
}

// iris turns ids into an audience; nil for none.
func iris(ids []string) vocab.ItemCollection {
	var out vocab.ItemCollection
	for _, id := range ids {
		out = append(out, iri(id))
	}
	return out
}

// Audiences returns the ids a stored document (a post or an activity) is
// addressed to, in to and cc, and whether that includes everyone.
// A document without to and cc is public.
func Audiences(doc []byte) (ids []string, public bool) {
	var env struct {
		To json.RawMessage `json:"to"`
		CC json.RawMessage `json:"cc"`
	}
	if json.Unmarshal(doc, &env) != nil || env.To == nil && env.CC == nil {
		return nil, true
	}
	ids = append(audience(env.To), audience(env.CC)...)
	return ids, slices.Contains(ids, PublicAudience)
}
