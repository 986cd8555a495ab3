package inbox

import (
	"context"
	"slices"
	"strings"

	"herald/actor"
	"herald/store"
)

// receivedPosts decides what a received post (note, by author) is to
// Herald, as the interactions to record, one for each of Herald's
// accounts it is for: a public or unlisted reply to one of Herald's posts
// is a reply on that post (store.KindReply); for every other account the
// post mentions (a Mention tag) or is addressed to (to or cc), and for
// the account whose post it answers when it is not public or unlisted, it
// is a mention of the account (store.KindMention), a direct message
// among them. The interactions share the note's id and differ in Object.
// None is for a post that is nothing of Herald's.
func (in *Inbox) receivedPosts(ctx context.Context, author string, n *actor.InboundNote) []store.Interaction {
	if n == nil {
		return nil
	}
	reply := in.o.Accounts.OwnsPost(n.InReplyTo)
	accounts := in.addressees(n)
	if !reply && len(accounts) == 0 {
		return nil
	}
	base := store.Interaction{ID: n.ID, Kind: store.KindMention, Actor: author, Content: n.Content, URL: n.URL,
		Summary: n.Summary, Visibility: in.visibility(ctx, author, n), InReplyTo: n.InReplyTo, Published: n.Published, Received: in.o.Now().UTC()}
	var out []store.Interaction
	if reply {
		first := base
		if base.Visibility == store.VisibilityPublic || base.Visibility == store.VisibilityUnlisted {
			first.Kind, first.Object = store.KindReply, n.InReplyTo
		} else {
			first.Object = in.postAccount(n.InReplyTo)
		}
		out = append(out, first)
		owner := in.postAccount(n.InReplyTo)
		accounts = slices.DeleteFunc(accounts, func(id string) bool { return id == owner })
	}
	for _, id := range accounts {
		m := base
		m.Object = id
		out = append(out, m)
	}
	return out
}

// addressees returns the actor ids of Herald's accounts that note
// mentions or is addressed to, each once, in the order named.
func (in *Inbox) addressees(n *actor.InboundNote) []string {
	var out []string
	for _, id := range slices.Concat(n.Mentions, n.To, n.CC) {
		if _, ok := in.o.Accounts.LocalHandle(id); ok && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// postAccount returns the actor id of the account whose post postID is.
func (in *Inbox) postAccount(postID string) string {
	for _, h := range in.o.Accounts.Handles() {
		if strings.HasPrefix(postID, in.o.Render.Actor(h)+"/posts/") {
			return in.o.Render.Actor(h)
		}
	}
	return ""
}

// visibility is note's visibility as Mastodon reads it from the audience
// (ActivityPub::Activity::Create#visibility_from_audience): public when
// to names the public collection, unlisted when only cc does, private
// when the author's followers collection is addressed (the cached
// actor's, or without one any collection ending in /followers), else
// direct.
func (in *Inbox) visibility(ctx context.Context, author string, n *actor.InboundNote) string {
	switch {
	case slices.Contains(n.To, actor.PublicAudience):
		return store.VisibilityPublic
	case slices.Contains(n.CC, actor.PublicAudience):
		return store.VisibilityUnlisted
	}
	followers := ""
	if a, err := in.o.Remote.Actor(ctx, author); err == nil {
		followers = a.Followers
	}
	for _, id := range slices.Concat(n.To, n.CC) {
		if id == followers || followers == "" && strings.HasSuffix(id, "/followers") {
			return store.VisibilityPrivate
		}
	}
	return store.VisibilityDirect
}
