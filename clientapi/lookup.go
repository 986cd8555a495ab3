package clientapi

import (
	"herald/actor"
	"herald/oauth"
	"herald/store"
)

// item is a status the client API shows: a post of Herald's (from a feed
// or written in an app), or a post Herald received for an account.
type item struct {
	post     *post
	received *store.Interaction
	// handle is the account the post is of, or the received post for.
	handle string
}

// id is the item's status id.
func (it item) id() uint64 {
	if it.post != nil {
		return it.post.ID
	}
	return receivedStatusID(*it.received)
}

// objectID is the id of the item's post.
func (it item) objectID() string {
	if it.post != nil {
		return it.post.Note.ID
	}
	return it.received.ID
}

// inReplyTo is the id of the post the item answers ("" for none).
func (it item) inReplyTo() string {
	if it.post != nil {
		return it.post.Note.InReplyTo
	}
	if it.received.InReplyTo == "" && it.received.Kind == store.KindReply {
		return it.received.Object
	}
	return it.received.InReplyTo
}

// public reports whether anyone may see the item: a post of Herald's
// that is not direct, a received post that is public or unlisted.
func (it item) public() bool {
	if it.post != nil {
		return it.post.Note.visibility() != actor.Direct
	}
	v := it.received.Visibility
	return v == "" || v == store.VisibilityPublic || v == store.VisibilityUnlisted
}

// render renders the item as a Status.
func (v *view) render(it item) (Status, error) {
	if it.post != nil {
		return v.status(*it.post)
	}
	return v.receivedStatus(*it.received)
}

// lookupStatus finds the status id as the holder of access may see it: a
// post of an account that may be shown (a direct one only to a token for
// its account), or a post received for the token's account.
func (a *API) lookupStatus(id uint64, access oauth.Access) (item, bool, error) {
	p, found, err := a.findPost(id)
	if err != nil {
		return item{}, false, err
	}
	if found {
		it := item{post: &p, handle: p.Handle}
		ok := a.visible(p.Handle, access) && (it.public() || access.Handle == p.Handle)
		return it, ok, nil
	}
	if access.Handle == "" {
		return item{}, false, nil
	}
	i, found, err := a.findReceived(access.Handle, id)
	if err != nil || !found {
		return item{}, false, err
	}
	return item{received: &i, handle: access.Handle}, true, nil
}
