package accounts

import (
	"fmt"
	"time"

	"herald/actor"
	"herald/store"
)

// RotateKey gives handle's actor a new key without making followers
// re-follow. Mastodon re-follows an account whose key changed unless the
// change arrives in an activity signed with the key it already knows, so:
// the new key is stored (the old one kept as previousKeyName), the actor
// document with the new key is sent to every follower inbox as an Update
// signed with the old key, and everything else is signed with the new key
// from then on; deliveries already queued wait a minute (rotationHeadStart)
// so the Update arrives first. The profile record is updated so the next start does not
// announce the same change again. It returns the number of inboxes queued.
// It must run with Herald stopped (see `herald keys rotate`).
func (r *Registry) RotateKey(handle string) (int, error) {
	if !r.Known(handle) {
		return 0, fmt.Errorf("rotate key: no account %q in the config", handle)
	}
	freshStored, previousStored, freshPublic, err := r.rotatedKeys(handle)
	if err != nil {
		return 0, err
	}
	profile, err := r.Profile(handle)
	if err != nil {
		return 0, err
	}
	profile.PublicKeyPEM = freshPublic
	doc, err := r.render.ActorDocument(profile)
	if err != nil {
		return 0, err
	}
	id, update, err := r.render.UpdateActor(handle, doc, r.now())
	if err != nil {
		return 0, err
	}
	if err := r.store.RotateActorKey(handle, freshStored, previousKeyName(handle), previousStored); err != nil {
		return 0, err
	}
	if err := r.store.PutDocument(store.Document{ID: r.profileRecordID(handle), JSON: doc}); err != nil {
		return 0, err
	}
	n, err := r.store.QueueActivitySignedWith(handle, previousKeyName(handle), store.Document{ID: id, JSON: update}, r.now())
	if err != nil {
		return 0, err
	}
	// Posts already queued would be signed with the new key: let the
	// Update go first.
	if _, err := r.store.PostponeJobs(handle, r.now().Add(rotationHeadStart)); err != nil {
		return 0, err
	}
	return n, nil
}

// rotationHeadStart is how long the Update announcing a new key has before
// other deliveries of the account, which are signed with the new key.
const rotationHeadStart = time.Minute

// rotatedKeys makes handle's new key and returns it and the current one as
// they are to be stored (each sealed for the name it is stored under, when
// keys are encrypted), and the new public key.
func (r *Registry) rotatedKeys(handle string) (freshStored, previousStored []byte, freshPublic string, err error) {
	sealer, err := newSealer(r.cfg.KeyEncryptionKey)
	if err != nil {
		return nil, nil, "", err
	}
	current, err := r.store.ActorKey(handle, nil)
	if err != nil {
		return nil, nil, "", err
	}
	previousPEM, err := unseal(r.store, sealer, handle, current)
	if err != nil {
		return nil, nil, "", err
	}
	freshPEM, err := actor.GenerateKeyPEM()
	if err != nil {
		return nil, nil, "", err
	}
	fresh, err := actor.ParsePrivateKeyPEM(freshPEM)
	if err != nil {
		return nil, nil, "", err
	}
	if freshPublic, err = actor.PublicKeyPEM(&fresh.PublicKey); err != nil {
		return nil, nil, "", err
	}
	if sealer == nil {
		return freshPEM, previousPEM, freshPublic, nil
	}
	if freshStored, err = sealer.Seal(freshPEM, handle); err != nil {
		return nil, nil, "", err
	}
	previousStored, err = sealer.Seal(previousPEM, previousKeyName(handle))
	return freshStored, previousStored, freshPublic, err
}
