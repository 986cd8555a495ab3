package intake

import (
	"herald/config"
	"herald/ldsig"
	"herald/store"
)

// addRelays names the feed's relays in c, for the store to queue c's
// activities to those whose subscription is accepted, and prepares the
// activities for them: each new post gets the relay actor's Announce of it
// when a LitePub relay is among them (LitePub relays take an Announce of a
// post, not its Create), and every activity carries the author's LD
// signature (relays of both flavours forward activities unchanged, and
// Mastodon takes a forwarded activity only with it: see docs/relays.md).
func (p *Poller) addRelays(f config.Feed, c *store.PollCommit) error {
	c.Relays = p.o.Config.RelaysOf(f)
	if !c.Deliver || len(c.Relays) == 0 {
		return nil
	}
	if config.AnyLitePub(c.Relays) {
		if err := p.addAnnounces(c); err != nil {
			return err
		}
	}
	return p.signForRelays(f.Handle, c)
}

// addAnnounces gives each new post of c the relay actor's Announce of it.
func (p *Poller) addAnnounces(c *store.PollCommit) error {
	for i, post := range c.Posts {
		if post.Silent || post.Item.Version > 0 {
			continue
		}
		id, doc, err := p.o.Render.RelayAnnounce(post.Object.ID, post.At)
		if err != nil {
			return err
		}
		c.Posts[i].RelayAnnounce = &store.Document{ID: id, JSON: doc}
	}
	return nil
}

// signForRelays LD-signs, with handle's key, the activities of c that go
// out: the Creates and Updates of posts that are not silent and the
// Deletes. They are stored signed, so followers get the same document.
func (p *Poller) signForRelays(handle string, c *store.PollCommit) error {
	keyID, key, err := p.o.Accounts.SigningKey(handle, handle)
	if err != nil {
		return err
	}
	now := p.o.Now()
	for i, post := range c.Posts {
		if post.Silent {
			continue
		}
		if c.Posts[i].Activity.JSON, err = ldsig.Sign(post.Activity.JSON, keyID, key, now); err != nil {
			return err
		}
	}
	for i, d := range c.Deletions {
		if c.Deletions[i].Delete.JSON, err = ldsig.Sign(d.Delete.JSON, keyID, key, now); err != nil {
			return err
		}
	}
	return nil
}
