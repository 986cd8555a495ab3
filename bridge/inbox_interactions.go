package bridge

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"herald/actor"
	"herald/store"
)

// localPost reports whether id is one of Herald's posts: a post id of a
// served account that the store holds.
func (b *Bridge) localPost(id string) bool {
	rest, ok := strings.CutPrefix(id, b.cfg.BaseURL+"/users/")
	if !ok {
		return false
	}
	handle, post, ok := strings.Cut(rest, "/posts/")
	if _, known := b.keys.actors[handle]; !ok || !known || post == "" || strings.Contains(post, "/") {
		return false
	}
	_, err := b.store.Document(id)
	return err == nil
}

// handleReaction records a Like or an Announce of one of Herald's posts.
// Reactions to anything else (a boost of a remote post reaching the shared
// inbox) are ignored.
func (b *Bridge) handleReaction(a actor.Activity, kind string) (int, string) {
	if a.ID == "" || !b.localPost(a.ObjectID) {
		return http.StatusAccepted, ""
	}
	return b.addInteraction(store.Interaction{ID: a.ID, Kind: kind, Actor: a.Actor, Object: a.ObjectID, Received: b.now().UTC()})
}

func (b *Bridge) addInteraction(i store.Interaction) (int, string) {
	isNew, err := b.store.AddInteraction(i)
	if err != nil {
		b.log.Error("inbox: store interaction", "kind", i.Kind, "activity_id", i.ID, "error", err)
		return http.StatusInternalServerError, "internal error"
	}
	b.log.Info("interaction recorded", "kind", i.Kind, "actor", i.Actor, "object", i.Object, "new", isNew)
	return http.StatusAccepted, ""
}

// undoReaction removes the like, boost or reply id if actor made it.
func (b *Bridge) undoReaction(id, actorID string) (int, string) {
	if id == "" {
		return http.StatusAccepted, ""
	}
	removed, ok, err := b.store.RemoveInteraction(id, actorID)
	if err != nil {
		b.log.Error("inbox: remove interaction", "id", id, "error", err)
		return http.StatusInternalServerError, "internal error"
	}
	if ok {
		b.log.Info("interaction removed", "kind", removed.Kind, "actor", actorID, "object", removed.Object)
	}
	return http.StatusAccepted, ""
}

// handleCreate records a reply to one of Herald's posts: a Note (or
// Article, Page, Question) whose inReplyTo is a Herald post, written by the
// activity's actor and hosted on its server. Other Creates are ignored.
func (b *Bridge) handleCreate(a actor.Activity, d actor.Details) (int, string) {
	n := d.Note
	if n == nil || !b.localPost(n.InReplyTo) {
		return http.StatusAccepted, ""
	}
	if n.ID == "" || n.AttributedTo != a.Actor || !sameHost(n.ID, a.Actor) {
		return http.StatusForbidden, "reply not attributed to the sender"
	}
	return b.addInteraction(store.Interaction{
		ID: n.ID, Kind: store.KindReply, Actor: a.Actor, Object: n.InReplyTo,
		Content: n.Content, URL: n.URL, Published: n.Published, Received: b.now().UTC(),
	})
}

// handleUpdate refreshes the cached actor on an Update of the sender itself
// (fetched again from its origin, not taken from the activity), and stores
// the new content of an edited reply. Other Updates are ignored.
func (b *Bridge) handleUpdate(ctx context.Context, a actor.Activity, d actor.Details) (int, string) {
	if a.ObjectID == a.Actor {
		if _, _, err := b.remote.Refresh(ctx, a.Actor); err != nil {
			b.log.Warn("inbox: refresh updated actor", "actor", a.Actor, "error", err)
		}
		return http.StatusAccepted, ""
	}
	if d.Note == nil {
		return http.StatusAccepted, ""
	}
	if old, found, err := b.store.Interaction(d.Note.ID); err != nil || !found || old.Kind != store.KindReply {
		return http.StatusAccepted, ""
	}
	return b.handleCreate(a, d)
}

// handleDelete erases everything about an actor that deletes itself, or
// removes a reply (or any interaction) its own author deletes.
func (b *Bridge) handleDelete(ctx context.Context, a actor.Activity) (int, string) {
	if a.ObjectID == a.Actor {
		b.eraseActor(ctx, a.Actor)
		return http.StatusAccepted, ""
	}
	return b.undoReaction(a.ObjectID, a.Actor)
}

// eraseActor removes everything Herald holds about actorID.
func (b *Bridge) eraseActor(_ context.Context, actorID string) {
	b.guard.keys.dropOwner(actorID)
	r, err := b.store.EraseRemote(actorID)
	if err != nil {
		b.log.Error("erase remote actor", "actor", actorID, "error", err)
		return
	}
	if !r.Empty() {
		b.log.Info("remote actor erased", "actor", actorID, "follows", len(r.Following), "interactions", len(r.Interactions), "flags", len(r.Flags))
	}
}

// handleMove moves the follows of an account that moved itself to its
// target, after checking, at the target's origin, that the target names
// the old account in alsoKnownAs (as Mastodon checks).
func (b *Bridge) handleMove(ctx context.Context, a actor.Activity, d actor.Details) (int, string) {
	if a.ObjectID != a.Actor || d.Target == "" || d.Target == a.Actor {
		return http.StatusAccepted, ""
	}
	target, body, err := b.remote.Refresh(ctx, d.Target)
	if err != nil {
		b.log.Warn("move: fetch target", "target", d.Target, "error", err)
		return http.StatusBadGateway, "could not fetch the move's target"
	}
	if !slices.Contains(actor.Aliases(body), a.Actor) {
		return http.StatusForbidden, "target does not list the account in alsoKnownAs"
	}
	for handle := range b.keys.actors {
		to := store.Follower{ID: target.ID, Inbox: target.Inbox, SharedInbox: target.SharedInbox, FollowID: a.ID}
		moved, err := b.store.MoveFollower(handle, a.Actor, to)
		if err != nil {
			b.log.Error("move follower", "handle", handle, "error", err)
			return http.StatusInternalServerError, "internal error"
		}
		if moved {
			b.log.Info("follower moved", "handle", handle, "from", a.Actor, "to", target.ID)
		}
	}
	return http.StatusAccepted, ""
}

// handleFlag stores a report about one of Herald's accounts or posts for
// the operator. Reports about nothing of Herald's are ignored.
func (b *Bridge) handleFlag(a actor.Activity, d actor.Details) (int, string) {
	var ours []string
	for _, id := range d.Objects {
		if _, ok := b.localHandle(id); ok || b.localPost(id) {
			ours = append(ours, id)
		}
	}
	if a.ID == "" || len(ours) == 0 {
		return http.StatusAccepted, ""
	}
	isNew, err := b.store.AddFlag(store.Flag{ID: a.ID, Actor: a.Actor, Objects: ours, Content: truncate(d.Content, 4000), Received: b.now().UTC()})
	if err != nil {
		b.log.Error("inbox: store flag", "activity_id", a.ID, "error", err)
		return http.StatusInternalServerError, "internal error"
	}
	b.log.Warn("report received", "actor", a.Actor, "objects", strings.Join(ours, " "), "new", isNew)
	return http.StatusAccepted, ""
}

// handleBlock removes the blocking actor as a follower of the blocked
// Herald account: it will not see the posts anyway.
func (b *Bridge) handleBlock(a actor.Activity) (int, string) {
	handle, ok := b.localHandle(a.ObjectID)
	if !ok {
		return http.StatusAccepted, ""
	}
	if _, err := b.store.RemoveFollower(handle, a.Actor); err != nil {
		b.log.Error("block: remove follower", "handle", handle, "error", err)
		return http.StatusInternalServerError, "internal error"
	}
	return http.StatusAccepted, ""
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
