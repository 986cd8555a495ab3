package clientapi

import (
	"math"
	"slices"

	"herald/store"
)

// received returns the posts Herald received for handle: the replies to
// its posts and its mentions (direct messages among them).
func (a *API) received(handle string) ([]store.Interaction, error) {
	id := a.o.Render.Actor(handle)
	on, err := a.o.Store.InteractionsOn(id + "/posts/")
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(on, func(i store.Interaction) bool { return i.Kind != store.KindReply })
	mentions, _, err := a.o.Store.Interactions(id, store.KindMention, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	return append(out, mentions...), nil
}

// findReceived returns the post Herald received for handle whose status
// id is id.
func (a *API) findReceived(handle string, id uint64) (store.Interaction, bool, error) {
	list, err := a.received(handle)
	if err != nil {
		return store.Interaction{}, false, err
	}
	for _, i := range list {
		if receivedStatusID(i) == id {
			return i, true, nil
		}
	}
	return store.Interaction{}, false, nil
}
