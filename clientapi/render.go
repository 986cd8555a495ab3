package clientapi

import (
	"cmp"
	"strconv"
	"strings"

	"herald/store"
)

// status renders p, a post of Herald's, as a Status.
func (v *view) status(p post) (Status, error) {
	acc, err := v.account(p.Handle)
	if err != nil {
		return Status{}, err
	}
	n := p.Note
	s := Status{ID: strconv.FormatUint(p.ID, 10), CreatedAt: p.At.UTC().Format(timeFormat), Sensitive: n.Sensitive,
		SpoilerText: n.Summary, Visibility: n.visibility(), Language: v.a.language(p), URI: n.ID, URL: &n.ID, Content: n.Content,
		Account: acc, MediaAttachments: []MediaAttachment{}, Mentions: []Mention{}, Tags: []Tag{}, Emojis: []any{}}
	if !n.Updated.IsZero() {
		edited := n.Updated.UTC().Format(timeFormat)
		s.EditedAt = &edited
	}
	if s.InReplyToID, s.InReplyToAccountID, err = v.parent(p.Handle, n.InReplyTo); err != nil {
		return Status{}, err
	}
	counts := []*int{&s.FavouritesCount, &s.ReblogsCount, &s.RepliesCount}
	for i, kind := range []string{store.KindLike, store.KindShare, store.KindReply} {
		if _, *counts[i], err = v.a.o.Store.Interactions(n.ID, kind, 0); err != nil {
			return Status{}, err
		}
	}
	v.readerFields(&s)
	for _, m := range n.Attachment {
		s.MediaAttachments = append(s.MediaAttachments, media(n.ID, m.Type, m.MediaType, m.URL, m.Name, m.Width, m.Height))
	}
	for _, t := range n.Tag {
		switch t.Type {
		case "Hashtag":
			s.Tags = append(s.Tags, Tag{Name: strings.TrimPrefix(t.Name, "#"), URL: t.Href})
		case "Mention":
			s.Mentions = append(s.Mentions, v.mention(t.Href, t.Name))
		}
	}
	return s, nil
}

// receivedStatus renders i, a post Herald received (a reply or a
// mention), as a Status by its remote author, mentioning the account it
// is for.
func (v *view) receivedStatus(i store.Interaction) (Status, error) {
	acc, err := v.remoteAccount(i.Actor)
	if err != nil {
		return Status{}, err
	}
	handle, _ := v.a.handleOfObject(i.Object)
	link := cmp.Or(i.URL, i.ID)
	s := Status{ID: strconv.FormatUint(receivedStatusID(i), 10), CreatedAt: cmp.Or(i.Published, i.Received).UTC().Format(timeFormat),
		Sensitive: i.Summary != "", SpoilerText: i.Summary, Visibility: cmp.Or(i.Visibility, store.VisibilityPublic), URI: i.ID, URL: &link,
		Content: i.Content, Account: acc, MediaAttachments: []MediaAttachment{}, Tags: []Tag{}, Emojis: []any{},
		Mentions: []Mention{{ID: accountID(handle), Username: handle, URL: v.a.o.Render.Actor(handle), Acct: handle}}}
	parent := i.InReplyTo
	if parent == "" && i.Kind == store.KindReply {
		parent = i.Object // recorded before Herald kept inReplyTo
	}
	if s.InReplyToID, s.InReplyToAccountID, err = v.parent(handle, parent); err != nil {
		return Status{}, err
	}
	v.readerFields(&s)
	return s, nil
}
