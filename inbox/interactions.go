package inbox

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"herald/actor"
	"herald/store"
)

// handleReaction records a Like or an Announce of one of Herald's posts.
// Reactions to anything else (a boost of a remote post reaching the shared
// inbox) are ignored.
func (in *Inbox) handleReaction(a actor.Activity, kind string) (int, string) {
	if a.ID == "" || !in.o.Accounts.OwnsPost(a.ObjectID) {
		return http.StatusAccepted, ""
	}
	return in.addInteraction(store.Interaction{ID: a.ID, Kind: kind, Actor: a.Actor, Object: a.ObjectID, Received: in.o.Now().UTC()})
}

func (in *Inbox) addInteraction(i store.Interaction) (int, string) {
	isNew, err := in.o.Store.AddInteraction(i)
	if err != nil {
		in.o.Log.Error("inbox: store interaction", "kind", i.Kind, "activity_id", i.ID, "error", err)
		return http.StatusInternalServerError, "internal error"
	}
	in.o.Log.Info("interaction recorded", "kind", i.Kind, "actor", i.Actor, "object", i.Object, "new", isNew)
	return http.StatusAccepted, ""
}

// undoReaction removes the like, boost or reply id if actor made it.
func (in *Inbox) undoReaction(id, actorID string) (int, string) {
	if id == "" {
		return http.StatusAccepted, ""
	}
	removed, ok, err := in.o.Store.RemoveInteraction(id, actorID)
	if err != nil {
		in.o.Log.Error("inbox: remove interaction", "id", id, "error", err)
		return http.StatusInternalServerError, "internal error"
	}
	if ok {
		in.o.Log.Info("interaction removed", "kind", removed.Kind, "actor", actorID, "object", removed.Object)
	}
	return http.StatusAccepted, ""
}

// handleCreate records a post for Herald's accounts, once for each it is
// for (see receivedPosts), written by the activity's actor and hosted on
// its server. Other Creates are ignored.
func (in *Inbox) handleCreate(ctx context.Context, a actor.Activity, d actor.Details) (int, string) {
	list := in.receivedPosts(ctx, a.Actor, d.Note)
	if len(list) == 0 {
		return http.StatusAccepted, ""
	}
	if n := d.Note; n.ID == "" || n.AttributedTo != a.Actor || !actor.SameHost(n.ID, a.Actor) {
		return http.StatusForbidden, "post not attributed to the sender"
	}
	for _, i := range list {
		if status, msg := in.addInteraction(i); status != http.StatusAccepted {
			return status, msg
		}
	}
	return http.StatusAccepted, ""
}

// handleUpdate refreshes the cached actor on an Update of the sender itself
// (fetched again from its origin, not taken from the activity), and stores
// the new version of a reply or mention it recorded. Other Updates are
// ignored.
func (in *Inbox) handleUpdate(ctx context.Context, a actor.Activity, d actor.Details) (int, string) {
	if a.ObjectID == a.Actor {
		if _, _, err := in.o.Remote.Refresh(ctx, a.Actor); err != nil {
			in.o.Log.Warn("inbox: refresh updated actor", "actor", a.Actor, "error", err)
		}
		return http.StatusAccepted, ""
	}
	if d.Note == nil {
		return http.StatusAccepted, ""
	}
	old, found, err := in.o.Store.Interaction(d.Note.ID)
	if err != nil || !found || (old.Kind != store.KindReply && old.Kind != store.KindMention) {
		return http.StatusAccepted, ""
	}
	return in.handleCreate(ctx, a, d)
}

// handleDelete erases everything about an actor that deletes itself, or
// removes a reply (or any interaction) its own author deletes.
func (in *Inbox) handleDelete(ctx context.Context, a actor.Activity) (int, string) {
	if a.ObjectID == a.Actor {
		in.eraseActor(ctx, a.Actor)
		return http.StatusAccepted, ""
	}
	return in.undoReaction(a.ObjectID, a.Actor)
}

// eraseActor removes everything Herald holds about actorID.
func (in *Inbox) eraseActor(_ context.Context, actorID string) {
	in.guard.keys.dropOwner(actorID)
	r, err := in.o.Store.EraseRemote(actorID)
	if err != nil {
		in.o.Log.Error("erase remote actor", "actor", actorID, "error", err)
		return
	}
	if !r.Empty() {
		in.o.Log.Info("remote actor erased", "actor", actorID, "follows", len(r.Following), "interactions", len(r.Interactions), "flags", len(r.Flags))
	}
}

// handleMove moves the follows of an account that moved itself to its
// target, after checking, at the target's origin, that the target names
// the old account in alsoKnownAs (as Mastodon checks).
func (in *Inbox) handleMove(ctx context.Context, a actor.Activity, d actor.Details) (int, string) {
	if a.ObjectID != a.Actor || d.Target == "" || d.Target == a.Actor {
		return http.StatusAccepted, ""
	}
	target, body, err := in.o.Remote.Refresh(ctx, d.Target)
	if err != nil {
		in.o.Log.Warn("move: fetch target", "target", d.Target, "error", err)
		return http.StatusBadGateway, "could not fetch the move's target"
	}
	if !slices.Contains(actor.Aliases(body), a.Actor) {
		return http.StatusForbidden, "target does not list the account in alsoKnownAs"
	}
	for _, handle := range in.o.Accounts.Handles() {
		to := store.Follower{ID: target.ID, Inbox: target.Inbox, SharedInbox: target.SharedInbox, FollowID: a.ID}
		moved, err := in.o.Store.MoveFollower(handle, a.Actor, to)
		if err != nil {
			in.o.Log.Error("move follower", "handle", handle, "error", err)
			return http.StatusInternalServerError, "internal error"
		}
		if moved {
			in.o.Log.Info("follower moved", "handle", handle, "from", a.Actor, "to", target.ID)
		}
	}
	return http.StatusAccepted, ""
}

// handleFlag stores a report about one of Herald's accounts or posts for
// the operator. Reports about nothing of Herald's are ignored.
func (in *Inbox) handleFlag(a actor.Activity, d actor.Details) (int, string) {
	var ours []string
	for _, id := range d.Objects {
		if _, ok := in.o.Accounts.LocalHandle(id); ok || in.o.Accounts.OwnsPost(id) {
			ours = append(ours, id)
		}
	}
	if a.ID == "" || len(ours) == 0 {
		return http.StatusAccepted, ""
	}
	isNew, err := in.o.Store.AddFlag(store.Flag{ID: a.ID, Actor: a.Actor, Objects: ours, Content: truncate(d.Content, 4000), Received: in.o.Now().UTC()})
	if err != nil {
		in.o.Log.Error("inbox: store flag", "activity_id", a.ID, "error", err)
		return http.StatusInternalServerError, "internal error"
	}
	in.o.Log.Warn("report received", "actor", a.Actor, "objects", strings.Join(ours, " "), "new", isNew)
	return http.StatusAccepted, ""
}

// handleBlock removes the blocking actor as a follower of the blocked
// Herald account: it will not see the posts anyway.
func (in *Inbox) handleBlock(a actor.Activity) (int, string) {
	handle, ok := in.o.Accounts.LocalHandle(a.ObjectID)
	if !ok {
		return http.StatusAccepted, ""
	}
	if _, err := in.o.Store.RemoveFollower(handle, a.Actor); err != nil {
		in.o.Log.Error("block: remove follower", "handle", handle, "error", err)
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
