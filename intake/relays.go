package intake

import (
	"slices"

	"herald/config"
	"herald/store"
)

// addRelays names the feed's relays in c, for the store to queue c's
// activities to those whose subscription is accepted, and gives each new
// post the relay actor's Announce of it when a LitePub relay is among them
// (LitePub relays take an Announce of a post, not its Create).
func (p *Poller) addRelays(f config.Feed, c *store.PollCommit) error {
	c.Relays = p.o.Config.FeedRelays(f.Handle)
	if !c.Deliver || !slices.ContainsFunc(c.Relays, func(u string) bool { return config.RelayFlavour(u) == config.RelayLitePub }) {
		return nil
	}
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
