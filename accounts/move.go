package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"herald/actor"
	"herald/store"
)

// Fetcher fetches a remote document (remote.Resolver does).
type Fetcher interface {
	Fetch(ctx context.Context, iri string) (actor.Remote, error)
}

// Move moves handle's followers to the account target (an actor URL): it
// checks that target lists handle's actor in its alsoKnownAs (peers refuse
// the Move otherwise), then stores the Move and queues it for every follower
// inbox; the delivery workers send it when Herald runs. Herald keeps
// answering for the old actor, which from then on names target as movedTo.
// An account moves once: moving again to the same target queues the Move
// again, to another target is an error. It returns the number of
// deliveries queued.
func (r *Registry) Move(ctx context.Context, handle, target string, fetcher Fetcher) (int, error) {
	if !r.Known(handle) {
		return 0, fmt.Errorf("move: no account %q in the config", handle)
	}
	if u, err := url.Parse(target); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return 0, fmt.Errorf("move: target %q is not an actor URL", target)
	}
	prev, err := r.MovedTo(handle)
	if err != nil {
		return 0, err
	}
	if prev != "" && prev != target {
		return 0, fmt.Errorf("move: %s already moved to %s", handle, prev)
	}
	doc, err := fetcher.Fetch(ctx, target)
	if err != nil {
		return 0, fmt.Errorf("move: %w", err)
	}
	if !doc.IsActor() || doc.ID != target {
		return 0, fmt.Errorf("move: %s is not an actor (it says its id is %q)", target, doc.ID)
	}
	if !slices.Contains(doc.AlsoKnownAs, r.render.Actor(handle)) {
		return 0, fmt.Errorf("move: %s does not list %s in alsoKnownAs; add the old account as an alias of the new one first", target, r.render.Actor(handle))
	}
	now := r.now()
	id, move, err := r.render.Move(handle, target, now)
	if err != nil {
		return 0, err
	}
	return r.store.QueueActivity(handle, store.Document{ID: id, JSON: move}, now)
}

// MovedTo returns the account handle has moved to, "" if it has not.
func (r *Registry) MovedTo(handle string) (string, error) {
	doc, err := r.store.Document(r.render.URLs.Move(handle))
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var move struct {
		Target string `json:"target"`
	}
	if err := json.Unmarshal(doc, &move); err != nil {
		return "", fmt.Errorf("read move of %s: %w", handle, err)
	}
	return strings.TrimSpace(move.Target), nil
}
