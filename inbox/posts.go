package inbox

import (
	"context"
	"slices"
	"strings"

	"herald/actor"
	"herald/store"
)

// receivedPost decides what a received post (note, by author) is to
// Herald, as the interaction to record: a public or unlisted reply to one
// of Herald's posts is a reply on that post (store.KindReply); any other
// post for an account, one that mentions it (a Mention tag or the account
// in to or cc) or answers its posts without being public, is a mention of
// the account (store.KindMention), a direct message among them. ok is
// false for a post that is nothing of Herald's.
func (in *Inbox) receivedPost(ctx context.Context, author string, n *actor.InboundNote) (i store.Interaction, ok bool) {
	if n == nil {
		return store.Interaction{}, false
	}
	reply := in.o.Accounts.OwnsPost(n.InReplyTo)
	account := in.addressee(n)
	if !reply && account == "" {
		return store.Interaction{}, false
	}
	i = store.Interaction{ID: n.ID, Kind: store.KindMention, Actor: author, Object: account, Content: n.Content, URL: n.URL,
		Summary: n.Summary, Visibility: in.visibility(ctx, author, n), InReplyTo: n.InReplyTo, Published: n.Published, Received: in.o.Now().UTC()}
	switch {
	case reply && (i.Visibility == store.VisibilityPublic || i.Visibility == store.VisibilityUnlisted):
		i.Kind, i.Object = store.KindReply, n.InReplyTo
	case reply:
		i.Object = in.postAccount(n.InReplyTo)
	}
	return i, true
}

// addressee returns the actor id of the first of Herald's accounts that
// note mentions or is addressed to, "" for none.
func (in *Inbox) addressee(n *actor.InboundNote) string {
	for _, id := range slices.Concat(n.Mentions, n.To, n.CC) {
		if _, ok := in.o.Accounts.LocalHandle(id); ok {
			return id
		}
	}
	return ""
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
