package bridge

import (
	"bytes"
	"errors"
	"fmt"

	"herald/store"
)

// announceProfiles sends followers an Update of each actor whose document
// changed since Herald last recorded it (a new name, bio, avatar or field in
// the config or the feed), so their servers show the change at once rather
// than at their next refresh. The first time it only records the document;
// before the feed's first successful poll (when the profile still lacks
// what the feed says) it does nothing. It runs at startup; a failure is logged and leaves the record unchanged,
// so the next start tries again.
func (b *Bridge) announceProfiles() {
	for _, f := range b.cfg.Feeds {
		if err := b.announceProfile(f.Handle); err != nil {
			b.log.Warn("announce profile", "handle", f.Handle, "error", err)
		}
	}
}

func (b *Bridge) announceProfile(handle string) error {
	if st, err := b.store.FeedState(handle); err != nil || !st.Initialised {
		return err
	}
	p, err := b.profile(handle)
	if err != nil {
		return err
	}
	doc, err := b.render.ActorDocument(p)
	if err != nil {
		return err
	}
	record := b.profileRecordID(handle)
	prev, err := b.store.Document(record)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if bytes.Equal(prev, doc) {
		return nil
	}
	if prev != nil {
		id, update, err := b.render.UpdateActor(handle, doc, b.now())
		if err != nil {
			return err
		}
		n, err := b.store.QueueActivity(handle, store.Document{ID: id, JSON: update}, b.now())
		if err != nil {
			return fmt.Errorf("queue profile update: %w", err)
		}
		b.log.Info("profile changed", "handle", handle, "activity_id", id, "jobs", n)
	}
	return b.store.PutDocument(store.Document{ID: record, JSON: doc})
}

// profileRecordID is where the last announced actor document of handle is
// kept (see announceProfile).
func (b *Bridge) profileRecordID(handle string) string {
	return b.render.Actor(handle) + "/profile-record"
}
