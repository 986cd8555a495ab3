package clientapi

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"herald/store"
)

// note is what a Status reads of a post's stored object (a Note or an
// Article, as package actor renders it).
type note struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Content    string            `json:"content"`
	ContentMap map[string]string `json:"contentMap"`
	Summary    string            `json:"summary"`
	Sensitive  bool              `json:"sensitive"`
	Published  time.Time         `json:"published"`
	Updated    time.Time         `json:"updated"`
	Attachment []struct {
		Type      string `json:"type"`
		MediaType string `json:"mediaType"`
		URL       string `json:"url"`
		Name      string `json:"name"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
	} `json:"attachment"`
	Tag []struct {
		Type string `json:"type"`
		Name string `json:"name"`
		Href string `json:"href"`
	} `json:"tag"`
}

// post is one of an account's posts as the client API lists it.
type post struct {
	ID     uint64
	At     time.Time
	Handle string
	Note   note
}

// postOf returns the post an outbox entry announces: a Create of a Note
// or Article whose object is still there (withdrawn posts leave the
// outbox with their Create). Other activities (Updates) give ok false.
func (a *API) postOf(handle string, e store.OutboxEntry) (p post, ok bool, err error) {
	var act struct {
		Type   string          `json:"type"`
		Object json.RawMessage `json:"object"`
	}
	if json.Unmarshal(e.Activity, &act) != nil || act.Type != "Create" {
		return post{}, false, nil
	}
	var objectID string
	if json.Unmarshal(act.Object, &objectID) != nil {
		var embedded struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(act.Object, &embedded) != nil || embedded.ID == "" {
			return post{}, false, nil
		}
		objectID = embedded.ID
	}
	doc, err := a.o.Store.Document(objectID)
	if errors.Is(err, store.ErrNotFound) {
		return post{}, false, nil
	}
	if err != nil {
		return post{}, false, err
	}
	var n note
	if err := json.Unmarshal(doc, &n); err != nil {
		return post{}, false, fmt.Errorf("read post %s: %w", objectID, err)
	}
	if n.Type != "Note" && n.Type != "Article" {
		return post{}, false, nil
	}
	return post{ID: statusID(e.At, objectID), At: e.At, Handle: handle, Note: n}, true, nil
}

// findPost returns the post with id, from any account: it looks in each
// outbox at the millisecond the id names for the post whose object id
// hashes to the id's low bits.
func (a *API) findPost(id uint64) (post, bool, error) {
	from := idMillisecond(id)
	for _, handle := range a.o.Accounts.Handles() {
		entries, err := a.o.Store.OutboxBetween(handle, from.Add(-time.Nanosecond), from.Add(time.Millisecond), true, 64)
		if err != nil {
			return post{}, false, err
		}
		for _, e := range entries {
			p, ok, err := a.postOf(handle, e)
			if err != nil {
				return post{}, false, err
			}
			if ok && p.ID == id {
				return p, true, nil
			}
		}
	}
	return post{}, false, nil
}

// language is the post's language: its contentMap's, else the feed's.
func (a *API) language(p post) *string {
	for lang := range p.Note.ContentMap {
		return &lang
	}
	if lang := a.o.Accounts.Feed(p.Handle).Language; lang != "" {
		return &lang
	}
	return nil
}

// status renders p as a Status by acc; reader is true when a token for
// an account reads it.
func (a *API) status(p post, acc Account, reader bool) (Status, error) {
	n := p.Note
	s := Status{ID: strconv.FormatUint(p.ID, 10), CreatedAt: p.At.UTC().Format(timeFormat), Sensitive: n.Sensitive,
		SpoilerText: n.Summary, Visibility: "public", Language: a.language(p), URI: n.ID, URL: &n.ID, Content: n.Content,
		Account: acc, MediaAttachments: []MediaAttachment{}, Mentions: []any{}, Tags: []Tag{}, Emojis: []any{}}
	if !n.Updated.IsZero() {
		edited := n.Updated.UTC().Format(timeFormat)
		s.EditedAt = &edited
	}
	counts := []*int{&s.FavouritesCount, &s.ReblogsCount, &s.RepliesCount}
	for i, kind := range []string{store.KindLike, store.KindShare, store.KindReply} {
		var err error
		if _, *counts[i], err = a.o.Store.Interactions(n.ID, kind, 0); err != nil {
			return Status{}, err
		}
	}
	if reader {
		no := false
		s.Favourited, s.Reblogged, s.Muted, s.Bookmarked, s.Filtered = &no, &no, &no, &no, []any{}
	}
	for _, m := range n.Attachment {
		s.MediaAttachments = append(s.MediaAttachments, media(n.ID, m.Type, m.MediaType, m.URL, m.Name, m.Width, m.Height))
	}
	for _, t := range n.Tag {
		if t.Type == "Hashtag" {
			s.Tags = append(s.Tags, Tag{Name: strings.TrimPrefix(t.Name, "#"), URL: t.Href})
		}
	}
	return s, nil
}

// media renders one attachment of the post objectID.
func media(objectID, typ, mediaType, link, alt string, width, height int) MediaAttachment {
	sum := sha256.Sum256([]byte(objectID + "\x00" + link))
	m := MediaAttachment{ID: strconv.FormatUint(binary.BigEndian.Uint64(sum[:8])>>2, 10), Type: "unknown", URL: link,
		PreviewURL: &link, RemoteURL: &link, Meta: map[string]any{}}
	switch {
	case typ == "Image" || strings.HasPrefix(mediaType, "image/"):
		m.Type = "image"
	case strings.HasPrefix(mediaType, "video/"):
		m.Type = "video"
	case strings.HasPrefix(mediaType, "audio/"):
		m.Type = "audio"
	}
	if alt != "" {
		m.Description = &alt
	}
	if width > 0 && height > 0 {
		m.Meta["original"] = map[string]any{"width": width, "height": height,
			"size": fmt.Sprintf("%dx%d", width, height), "aspect": float64(width) / float64(height)}
	}
	return m
}
