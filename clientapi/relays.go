package clientapi

import (
	"herald/config"
	"herald/ldsig"
	"herald/store"
)

// forRelays prepares st, a post about to be published, and its Create for
// the account's relays, as intake does for a feed post (see
// docs/relays.md): a public post names the relays (the store queues it to
// the accepted ones), carries the relay actor's Announce of it for LitePub
// relays, and its Create gets the account's LD signature, without which
// Mastodon drops an activity a relay forwards. Unlisted and direct posts
// go to no relay, as on Mastodon.
func (a *API) forRelays(st *store.LocalStatus, create *store.Document) error {
	relays := a.o.Config.FeedRelays(st.Handle)
	if st.Visibility != store.VisibilityPublic || len(relays) == 0 {
		return nil
	}
	st.Relays = relays
	if config.AnyLitePub(relays) {
		id, doc, err := a.o.Render.RelayAnnounce(st.ObjectID, st.Created)
		if err != nil {
			return err
		}
		st.RelayAnnounce = &store.Document{ID: id, JSON: doc}
	}
	signed, err := a.ldSign(st.Handle, create.JSON)
	create.JSON = signed
	return err
}

// ldSign gives doc, an activity of handle's, the account's LD signature.
func (a *API) ldSign(handle string, doc []byte) ([]byte, error) {
	keyID, key, err := a.o.Accounts.SigningKey(handle, handle)
	if err != nil {
		return nil, err
	}
	return ldsig.Sign(doc, keyID, key, a.o.Now())
}
