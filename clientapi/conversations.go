package clientapi

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"

	"herald/oauth"
	"herald/store"
)

// Conversation is Mastodon's Conversation entity.
type Conversation struct {
	ID         string    `json:"id"`
	Unread     bool      `json:"unread"`
	Accounts   []Account `json:"accounts"`
	LastStatus *Status   `json:"last_status"`
}

// conversation is a thread of direct posts of one account, received and
// sent, as Mastodon's AccountConversation groups them: by the thread
// they belong to.
type conversation struct {
	id    uint64
	items []item
	// last is the newest item; mark what the team did with it.
	last item
	mark store.ConversationMark
}

// unread reports whether the newest post was received after the team
// last read the conversation (its own posts leave it read).
func (c conversation) unread() bool { return c.last.received != nil && c.last.id() > c.mark.Read }

// conversationID returns the id of handle's conversation about root.
func conversationID(handle, root string) uint64 {
	sum := sha256.Sum256([]byte("herald conversation " + handle + "\x00" + root))
	return binary.BigEndian.Uint64(sum[:8]) >> 2
}

// rootOf is what a thread's posts have in common: the post the topmost
// post held answers (a feed post, say), else that post itself.
func (t *thread) rootOf(it item) string {
	seen := map[string]bool{it.objectID(): true}
	for {
		parent := it.inReplyTo()
		p, held := t.byObject[parent]
		if parent == "" || !held || seen[parent] {
			if parent != "" {
				return parent
			}
			return it.objectID()
		}
		seen[parent] = true
		it = p
	}
}

// conversations returns handle's conversations of direct posts that are
// not hidden, the one with the newest post first.
func (a *API) conversations(handle string, access oauth.Access) ([]conversation, error) {
	t, err := a.thread(handle, access)
	if err != nil {
		return nil, err
	}
	marks, err := a.o.Store.ConversationMarks(handle)
	if err != nil {
		return nil, err
	}
	byID := map[uint64]*conversation{}
	for _, it := range t.byObject {
		if it.public() {
			continue
		}
		id := conversationID(handle, t.rootOf(it))
		c := byID[id]
		if c == nil {
			c = &conversation{id: id, last: it, mark: marks[id]}
			byID[id] = c
		}
		c.items = append(c.items, it)
		if it.id() > c.last.id() {
			c.last = it
		}
	}
	var out []conversation
	for _, c := range byID {
		if c.last.id() > c.mark.Hidden {
			slices.SortFunc(c.items, func(x, y item) int { return cmpID(x.id(), y.id()) })
			out = append(out, *c)
		}
	}
	slices.SortFunc(out, func(x, y conversation) int { return cmpID(y.last.id(), x.last.id()) })
	return out, nil
}

// participants are the accounts of c other than handle's: the authors of
// the posts received and the accounts its own posts mention, in order of
// appearance.
func (a *API) participants(c conversation, handle string) []string {
	self := a.o.Render.Actor(handle)
	var out []string
	add := func(id string) {
		if id != "" && id != self && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, it := range c.items {
		if it.received != nil {
			add(it.received.Actor)
			continue
		}
		for _, tag := range it.post.Note.Tag {
			if tag.Type == "Mention" {
				add(tag.Href)
			}
		}
	}
	return out
}

// conversationEntity renders c for the reader of access.
func (a *API) conversationEntity(v *view, c conversation, access oauth.Access) (Conversation, error) {
	out := Conversation{ID: formatID(c.id), Unread: c.unread(), Accounts: []Account{}}
	for _, id := range a.participants(c, access.Handle) {
		var acc Account
		var err error
		if h, ok := a.handleOfObject(id); ok {
			acc, err = v.account(h)
		} else {
			acc, err = v.remoteAccount(id)
		}
		if err != nil {
			return Conversation{}, err
		}
		out.Accounts = append(out.Accounts, acc)
	}
	s, err := v.render(c.last)
	if err != nil {
		return Conversation{}, err
	}
	out.LastStatus = &s
	return out, nil
}
