package accounts

import (
	"bytes"
	"errors"
	"fmt"

	"herald/store"
)

// AnnounceProfiles sends followers an Update of each actor whose document
// changed since Herald last recorded it (a new name, bio, avatar or field in
// the config or the feed), so their servers show the change at once rather
// than at their next refresh. The first time it only records the document;
// before the feed's first successful poll (when the profile still lacks
// what the feed says) it does nothing. It runs at startup; a failure is logged and leaves the record unchanged,
// so the next start tries again.
func (r *Registry) AnnounceProfiles() {
	for _, f := range r.cfg.Feeds {
		if err := r.announceProfile(f.Handle); err != nil {
			r.log.Warn("announce profile", "handle", f.Handle, "error", err)
		}
	}
}

func (r *Registry) announceProfile(handle string) error {
	if st, err := r.store.FeedState(handle); err != nil || !st.Initialised {
		return err
	}
	p, err := r.Profile(handle)
	if err != nil {
		return err
	}
	doc, err := r.render.ActorDocument(p)
	if err != nil {
		return err
	}
	record := r.profileRecordID(handle)
	prev, err := r.store.Document(record)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if bytes.Equal(prev, doc) {
		return nil
	}
	if prev != nil {
		id, update, err := r.render.UpdateActor(handle, doc, r.now())
		if err != nil {
			return err
		}
		n, err := r.store.QueueActivity(handle, store.Document{ID: id, JSON: update}, r.now())
		if err != nil {
			return fmt.Errorf("queue profile update: %w", err)
		}
		r.log.Info("profile changed", "handle", handle, "activity_id", id, "jobs", n)
	}
	return r.store.PutDocument(store.Document{ID: record, JSON: doc})
}

// profileRecordID is where the last announced actor document of handle is
// kept (see AnnounceProfiles).
func (r *Registry) profileRecordID(handle string) string {
	return r.render.Actor(handle) + "/profile-record"
}
