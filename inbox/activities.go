package inbox

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
func (in *Inbox) handleActivity(ctx context.Context, a actor.Activity, body []byte) (int, string) {
	switch a.Type {
	case "Follow":
		return in.handleFollow(ctx, a)
	case "Undo":
		return in.handleUndo(ctx, a)
	case "Like":
		return in.handleReaction(a, store.KindLike)
	case "Announce":
		if in.o.Relays.IsRelay(a.Actor) {
			return http.StatusAccepted, "" // a relay passing posts on, not a boost
		}
		return in.handleReaction(a, store.KindShare)
	case "Accept", "Reject":
		return in.handleRelayAnswer(a)
	case "Create", "Update", "Delete", "Move", "Flag":
		d, err := actor.ParseDetails(body)
		if err != nil {
			return http.StatusBadRequest, "not an activity"
		}
		return in.handleWithDetails(ctx, a, d)
	case "Block":
		return in.handleBlock(a)
	default:
		in.o.Log.Debug("inbox: activity ignored", "type", a.Type, "activity_id", a.ID)
		return http.StatusAccepted, ""
	}
}

// handleWithDetails dispatches the types that need actor.Details.
func (in *Inbox) handleWithDetails(ctx context.Context, a actor.Activity, d actor.Details) (int, string) {
	switch a.Type {
	case "Create":
		return in.handleCreate(ctx, a, d)
	case "Update":
		return in.handleUpdate(ctx, a, d)
	case "Delete":
		return in.handleDelete(ctx, a)
	case "Move":
		return in.handleMove(ctx, a, d)
	default:
		return in.handleFlag(a, d)
	}
}

// handleFollow records the follower and queues a signed Accept that embeds
// the Follow, in one transaction, before answering 202. A repeated Follow is
// answered with a fresh Accept and changes nothing else.
func (in *Inbox) handleFollow(ctx context.Context, a actor.Activity) (int, string) {
	if a.ID == "" {
		return http.StatusBadRequest, "Follow without id"
	}
	if a.ObjectID == in.o.Render.RelayActor() {
		return in.o.Relays.FollowedBack(ctx, a.ID, a.Actor)
	}
	handle, ok := in.o.Accounts.LocalHandle(a.ObjectID)
	if !ok {
		return http.StatusNotFound, "no such account"
	}
	if !in.o.Accounts.Published(handle) {
		return http.StatusForbidden, "this account is not published yet: its site has not confirmed it"
	}
	follower, err := in.o.Remote.Actor(ctx, a.Actor)
	if err != nil {
		in.o.Log.Warn("follow: fetch follower", "actor", a.Actor, "error", err)
		return http.StatusBadGateway, "could not fetch the follower's actor"
	}
	acceptID, accept, err := in.o.Render.Accept(handle, a.ID, a.Actor)
	if err != nil {
		in.o.Log.Error("follow: render Accept", "error", err)
		return http.StatusInternalServerError, "internal error"
	}
	f := store.Follower{ID: follower.ID, Inbox: follower.Inbox, SharedInbox: follower.SharedInbox, FollowID: a.ID, Since: in.o.Now().UTC()}
	isNew, err := in.o.Store.AddFollower(handle, f, store.Document{ID: acceptID, JSON: accept}, in.o.Now())
	if err != nil {
		in.o.Log.Error("follow: store follower", "error", err)
		return http.StatusInternalServerError, "internal error"
	}
	if isNew && in.o.Accounts.Feed(handle).BackfillOnFollow {
		in.backfill(handle, f)
	}
	in.o.Deliveries.Notify()
	in.o.Log.Info("follow accepted", "handle", handle, "follower", f.ID, "new", isNew)
	return http.StatusAccepted, ""
}

// backfillDelay lets the Accept arrive before the backfilled post: a
// server shows a followed account's post only once the follow is accepted.
const backfillDelay = 5 * time.Second

// backfill sends a new follower the account's newest post (its Create)
// that answers nothing (not an answer written in an app), so that a quiet
// feed's follower does not face an empty timeline (backfill_on_follow).
// Failing to queue it is logged, not fatal.
func (in *Inbox) backfill(handle string, f store.Follower) {
	entries, _, err := in.o.Store.Outbox(handle, time.Time{}, 10)
	if err != nil {
		in.o.Log.Error("backfill: read outbox", "handle", handle, "error", err)
		return
	}
	for _, e := range entries {
		var act struct {
			ID, Type string
			Object   struct {
				InReplyTo string `json:"inReplyTo"`
			} `json:"object"`
		}
		if json.Unmarshal(e.Activity, &act) != nil || act.Type != "Create" || act.Object.InReplyTo != "" {
			continue
		}
		if _, err := in.o.Store.QueueJob(handle, act.ID, f.Inbox, in.o.Now().Add(backfillDelay)); err != nil {
			in.o.Log.Error("backfill: queue", "handle", handle, "activity_id", act.ID, "error", err)
		}
		return
	}
}

// handleUndo undoes a Follow, a Like or an Announce. The undone activity
// may be embedded (Mastodon, Misskey, GoToSocial) or named by id (Akkoma);
// only its own actor may undo it.
func (in *Inbox) handleUndo(ctx context.Context, a actor.Activity) (int, string) {
	inner := a.Object
	if inner != nil && inner.Actor != a.Actor {
		return http.StatusForbidden, "cannot undo another actor's activity"
	}
	if inner != nil && (inner.Type == "Like" || inner.Type == "Announce") {
		return in.undoReaction(inner.ID, a.Actor)
	}
	if inner != nil && inner.Type != "Follow" {
		return http.StatusAccepted, ""
	}
	if inner == nil {
		if status, _ := in.undoReaction(a.ObjectID, a.Actor); status != http.StatusAccepted {
			return status, "internal error"
		}
	}
	for _, handle := range append(in.o.Accounts.Handles(), store.RelayHandle) {
		if inner != nil && in.localActor(handle) != inner.ObjectID {
			continue
		}
		if inner == nil && !in.followedWith(handle, a.Actor, a.ObjectID) {
			continue
		}
		if _, err := in.o.Store.RemoveFollower(handle, a.Actor); err != nil {
			in.o.Log.Error("undo follow", "handle", handle, "error", err)
			return http.StatusInternalServerError, "internal error"
		}
		in.o.Log.Info("follower removed", "handle", handle, "follower", a.Actor)
	}
	return http.StatusAccepted, ""
}

// localActor returns the actor id of handle, the relay actor's for
// store.RelayHandle (a LitePub relay that follows it back may undo that).
func (in *Inbox) localActor(handle string) string {
	if handle == store.RelayHandle {
		return in.o.Render.RelayActor()
	}
	return in.o.Render.Actor(handle)
}

// followedWith reports whether actorID follows handle through the Follow followID.
func (in *Inbox) followedWith(handle, actorID, followID string) bool {
	followers, err := in.o.Store.Followers(handle)
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
func (in *Inbox) removeEverywhere(actorID string) {
	for _, handle := range in.o.Accounts.Handles() {
		removed, err := in.o.Store.RemoveFollower(handle, actorID)
		if err != nil {
			in.o.Log.Error("remove follower", "handle", handle, "follower", actorID, "error", err)
		} else if removed {
			in.o.Log.Info("follower removed", "handle", handle, "follower", actorID)
		}
	}
}

// handleRelayAnswer takes a relay's Accept or Reject of the relay actor's
// Follow; other Accepts and Rejects (Herald waits for none) are ignored.
func (in *Inbox) handleRelayAnswer(a actor.Activity) (int, string) {
	return in.o.Relays.Answered(a.Type == "Accept", a.ObjectID, a.Actor)
}
