package intake

import (
	"context"
	"net/url"
	"time"

	"herald/config"
	"herald/feeds"
	"herald/store"
)

// maxGoneChecks bounds the article pages checked in one poll, so a feed
// that drops many items at once does not make Herald hammer the site.
const maxGoneChecks = 5

// deletions finds the items that vanished from feed while its window still
// covers their date, checks each one's page, and returns a Deletion for
// every page the site says is gone (404 or 410). A page that still stands
// or cannot be checked now keeps its post.
func (p *Poller) deletions(ctx context.Context, f config.Feed, feed *feeds.Feed, seen map[string]store.SeenItem, now time.Time) []store.Deletion {
	known := make(map[string]time.Time, len(seen))
	for k, it := range seen {
		if it.Deleted.IsZero() {
			known[k] = it.Published
		}
	}
	var out []store.Deletion
	checks := 0
	for _, key := range feeds.Vanished(known, feed.Items) {
		link := checkLink(seen[key])
		if link == "" {
			continue
		}
		if checks++; checks > maxGoneChecks {
			break
		}
		gone, err := p.o.Fetcher.Gone(ctx, link)
		if err != nil {
			p.o.Log.Warn("vanished item not checked", "handle", f.Handle, "item_key", key, "error", err)
			continue
		}
		if !gone {
			p.o.Log.Debug("vanished item still online", "handle", f.Handle, "item_key", key, "link", link)
			continue
		}
		d, err := p.deletion(f.Handle, seen[key], now)
		if err != nil {
			p.o.Log.Error("render delete", "handle", f.Handle, "item_key", key, "error", err)
			continue
		}
		out = append(out, d)
	}
	return out
}

// checkLink is the page to check for a vanished item: its link, else its
// key when that is an http(s) URL (a WordPress guid such as /?p=12).
func checkLink(it store.SeenItem) string {
	for _, s := range []string{it.Link, it.Key} {
		if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return s
		}
	}
	return ""
}

// deletion renders the withdrawal of it's post: the Tombstone, the ids of
// the Create and every Update, and the Delete.
func (p *Poller) deletion(handle string, it store.SeenItem, now time.Time) (store.Deletion, error) {
	formerType := p.o.Accounts.Feed(handle).ObjectType
	if formerType == "" {
		formerType = "Note"
	}
	ts, err := p.o.Render.Tombstone(it.ObjectID, formerType, now)
	if err != nil {
		return store.Deletion{}, err
	}
	id, del, err := p.o.Render.Delete(handle, it.ObjectID, formerType, now)
	if err != nil {
		return store.Deletion{}, err
	}
	gone := []string{p.o.Render.URLs.Create(it.ObjectID)}
	for v := 1; v <= it.Version; v++ {
		gone = append(gone, p.o.Render.URLs.Update(it.ObjectID, v))
	}
	return store.Deletion{Key: it.Key, Tombstone: store.Document{ID: it.ObjectID, JSON: ts},
		Gone: gone, Delete: store.Document{ID: id, JSON: del}, At: now}, nil
}
