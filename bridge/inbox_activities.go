package bridge

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"herald/actor"
	"herald/store"
)

// handleActivity applies a verified activity and returns the status to
// answer. body is the activity's JSON, for the types that need more than
// actor.Activity holds. Unknown types are accepted and ignored. Every
// handler is idempotent: the same activity twice changes nothing more.
func (b *Bridge) handleActivity(ctx context.Context, a actor.Activity, body []byte) (int, string) {
	switch a.Type {
	case "Follow":
		return b.handleFollow(ctx, a)
	case "Undo":
		return b.handleUndo(ctx, a)
	case "Like":
		return b.handleReaction(a, store.KindLike)
	case "Announce":
		return b.handleReaction(a, store.KindShare)
	case "Create", "Update", "Delete", "Move", "Flag":
		d, err := actor.ParseDetails(body)
		if err != nil {
			return http.StatusBadRequest, "not an activity"
		}
		return b.handleWithDetails(ctx, a, d)
	case "Block":
		return b.handleBlock(a)
	default:
		b.log.Debug("inbox: activity ignored", "type", a.Type, "activity_id", a.ID)
		return http.StatusAccepted, ""
	}
}

// handleWithDetails dispatches the types that need actor.Details.
func (b *Bridge) handleWithDetails(ctx context.Context, a actor.Activity, d actor.Details) (int, string) {
	switch a.Type {
	case "Create":
		return b.handleCreate(a, d)
	case "Update":
		return b.handleUpdate(ctx, a, d)
	case "Delete":
		return b.handleDelete(ctx, a)
	case "Move":
		return b.handleMove(ctx, a, d)
	default:
		return b.handleFlag(a, d)
	}
}

// localHandle returns the handle of a local actor id.
func (b *Bridge) localHandle(actorID string) (string, bool) {
	for handle := range b.keys.actors {
		if b.render.Actor(handle) == actorID {
			return handle, true
		}
	}
	return "", false
}

// handleFollow records the follower and queues a signed Accept that embeds
// the Follow, in one transaction, before answering 202. A repeated Follow is
// answered with a fresh Accept and changes nothing else.
func (b *Bridge) handleFollow(ctx context.Context, a actor.Activity) (int, string) {
	if a.ID == "" {
		return http.StatusBadRequest, "Follow without id"
	}
	handle, ok := b.localHandle(a.ObjectID)
	if !ok {
		return http.StatusNotFound, "no such account"
	}
	if !b.published(handle) {
		return http.StatusForbidden, "this account is not published yet: its site has not confirmed it"
	}
	follower, err := b.remote.Actor(ctx, a.Actor)
	if err != nil {
		b.log.Warn("follow: fetch follower", "actor", a.Actor, "error", err)
		return http.StatusBadGateway, "could not fetch the follower's actor"
	}
	acceptID, accept, err := b.render.Accept(handle, a.ID, a.Actor)
	if err != nil {
		b.log.Error("follow: render Accept", "error", err)
		return http.StatusInternalServerError, "internal error"
	}
	f := store.Follower{ID: follower.ID, Inbox: follower.Inbox, SharedInbox: follower.SharedInbox, FollowID: a.ID, Since: b.now().UTC()}
	isNew, err := b.store.AddFollower(handle, f, store.Document{ID: acceptID, JSON: accept}, b.now())
	if err != nil {
		b.log.Error("follow: store follower", "error", err)
		return http.StatusInternalServerError, "internal error"
	}
	if isNew && b.feedConfig(handle).BackfillOnFollow {
		b.backfill(handle, f)
	}
	b.delivery.Notify()
	b.log.Info("follow accepted", "handle", handle, "follower", f.ID, "new", isNew)
	return http.StatusAccepted, ""
}

// backfillDelay lets the Accept arrive before the backfilled post: a
// server shows a followed account's post only once the follow is accepted.
const backfillDelay = 5 * time.Second

// backfill sends a new follower the account's newest post (its Create),
// so that a quiet feed's follower does not face an empty timeline
// (backfill_on_follow). Failing to queue it is logged, not fatal.
func (b *Bridge) backfill(handle string, f store.Follower) {
	entries, _, err := b.store.Outbox(handle, time.Time{}, 10)
	if err != nil {
		b.log.Error("backfill: read outbox", "handle", handle, "error", err)
		return
	}
	for _, e := range entries {
		var act struct{ ID, Type string }
		if json.Unmarshal(e.Activity, &act) != nil || act.Type != "Create" {
			continue
		}
		if _, err := b.store.QueueJob(handle, act.ID, f.Inbox, b.now().Add(backfillDelay)); err != nil {
			b.log.Error("backfill: queue", "handle", handle, "activity_id", act.ID, "error", err)
		}
		return
	}
}

// handleUndo undoes a Follow, a Like or an Announce. The undone activity
// may be embedded (Mastodon, Misskey, GoToSocial) or named by id (Akkoma);
// only its own actor may undo it.
func (b *Bridge) handleUndo(ctx context.Context, a actor.Activity) (int, string) {
	inner := a.Object
	if inner != nil && inner.Actor != a.Actor {
		return http.StatusForbidden, "cannot undo another actor's activity"
	}
	if inner != nil && (inner.Type == "Like" || inner.Type == "Announce") {
		return b.undoReaction(inner.ID, a.Actor)
	}
	if inner != nil && inner.Type != "Follow" {
		return http.StatusAccepted, ""
	}
	if inner == nil {
		if status, _ := b.undoReaction(a.ObjectID, a.Actor); status != http.StatusAccepted {
			return status, "internal error"
		}
	}
	for handle := range b.keys.actors {
		if inner != nil && b.render.Actor(handle) != inner.ObjectID {
			continue
		}
		if inner == nil && !b.followedWith(handle, a.Actor, a.ObjectID) {
			continue
		}
		if _, err := b.store.RemoveFollower(handle, a.Actor); err != nil {
			b.log.Error("undo follow", "handle", handle, "error", err)
			return http.StatusInternalServerError, "internal error"
		}
		b.log.Info("follower removed", "handle", handle, "follower", a.Actor)
	}
	return http.StatusAccepted, ""
}

// followedWith reports whether actorID follows handle through the Follow followID.
func (b *Bridge) followedWith(handle, actorID, followID string) bool {
	followers, err := b.store.Followers(handle)
	if err != nil {
		return false
	}
	for _, f := range followers {
		if f.ID == actorID && f.FollowID == followID {
			return true
		}
	}
	return false
}

// removeEverywhere removes actorID as a follower of every local actor.
func (b *Bridge) removeEverywhere(actorID string) {
	for handle := range b.keys.actors {
		removed, err := b.store.RemoveFollower(handle, actorID)
		if err != nil {
			b.log.Error("remove follower", "handle", handle, "follower", actorID, "error", err)
		} else if removed {
			b.log.Info("follower removed", "handle", handle, "follower", actorID)
		}
	}
}
