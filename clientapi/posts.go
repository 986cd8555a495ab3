package clientapi

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"herald/actor"
	"herald/store"
)

// note is what a Status reads of a post's stored object (a Note or an
// Article, as package actor renders it).
type note struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	InReplyTo  string            `json:"inReplyTo"`
	To         []string          `json:"to"`
	CC         []string          `json:"cc"`
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
	id, ok := localStatusID(objectID)
	if !ok {
		id = statusID(e.At, objectID)
	}
	return post{ID: id, At: e.At, Handle: handle, Note: n}, true, nil
}

// visibility is the post's visibility, read from its audience as Herald
// writes it (actor.Audience): public, unlisted or direct.
func (n note) visibility() string {
	switch {
	case slices.Contains(n.To, actor.PublicAudience):
		return actor.Public
	case slices.Contains(n.CC, actor.PublicAudience):
		return actor.Unlisted
	}
	return actor.Direct
}

// findPost returns the post with id, from any account: a post written in
// an app from the store (direct ones too), else a feed post: it looks in
// each outbox at the millisecond the id names for the post whose object
// id hashes to the id's low bits.
func (a *API) findPost(id uint64) (post, bool, error) {
	st, found, err := a.o.Store.LocalStatus(id)
	if err != nil {
		return post{}, false, err
	}
	if found {
		return a.localPost(st)
	}
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

// localPost returns the post st, written in an app, from its stored Note.
func (a *API) localPost(st store.LocalStatus) (post, bool, error) {
	doc, err := a.o.Store.Document(st.ObjectID)
	if errors.Is(err, store.ErrNotFound) {
		return post{}, false, nil
	}
	if err != nil {
		return post{}, false, err
	}
	var n note
	if err := json.Unmarshal(doc, &n); err != nil {
		return post{}, false, fmt.Errorf("read post %s: %w", st.ObjectID, err)
	}
	return post{ID: st.ID, At: st.Created, Handle: st.Handle, Note: n}, true, nil
}

// handleOfObject returns the account whose actor objectID is, or whose
// post it is (BASE/users/HANDLE or BASE/users/HANDLE/posts/...).
func (a *API) handleOfObject(objectID string) (string, bool) {
	rest, ok := strings.CutPrefix(objectID, a.o.Render.Actor(""))
	if !ok {
		return "", false
	}
	handle, _, _ := strings.Cut(rest, "/posts/")
	return handle, a.o.Accounts.Known(handle) && (rest == handle || strings.HasPrefix(rest, handle+"/posts/"))
}

// postByObject returns the post of any account whose object id is
// objectID: one written in an app by the id its object id ends in, a feed
// post from the outbox at its publication time (the Note's published, cut
// to the second, and the next second).
func (a *API) postByObject(objectID string) (post, bool, error) {
	handle, ok := a.handleOfObject(objectID)
	if !ok {
		return post{}, false, nil
	}
	if id, ok := localStatusID(objectID); ok {
		return a.findPost(id)
	}
	doc, err := a.o.Store.Document(objectID)
	if errors.Is(err, store.ErrNotFound) {
		return post{}, false, nil
	}
	if err != nil {
		return post{}, false, err
	}
	var n note
	if json.Unmarshal(doc, &n) != nil || n.Published.IsZero() {
		return post{}, false, nil
	}
	from := n.Published.Truncate(time.Second)
	entries, err := a.o.Store.OutboxBetween(handle, from.Add(-time.Nanosecond), from.Add(2*time.Second), true, chunk)
	if err != nil {
		return post{}, false, err
	}
	for _, e := range entries {
		if p, ok, err := a.postOf(handle, e); err != nil || ok && p.Note.ID == objectID {
			return p, err == nil, err
		}
	}
	return post{}, false, nil
}
