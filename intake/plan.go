package intake

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"herald/actor"
	"herald/feeds"
	"herald/store"
)

// plan is what one full fetch of a feed changes.
type plan struct {
	// posts are Creates of new items (Silent when backdated or on the
	// first poll) and Updates of edited ones.
	posts []store.Post
	// schedule holds the new items dated in the future, rendered now and
	// published at their date.
	schedule []store.Scheduled
	// records are new baselines: items the WordPress REST API describes
	// for the first time.
	records []store.SeenItem
}

// planFeed turns the changes of feed since the last poll into posts. Object
// ids derive from item keys, so they never change. An Update is made only
// when what followers see changed (feeds.Item.Hash); a deleted item is never
// posted again. On the first poll (first) everything is recorded silently;
// after a change of source (newSourceSince not zero), so are the new
// source's unseen items dated before newSourceSince or not dated.
func (p *Poller) planFeed(handle string, feed *feeds.Feed, seen map[string]store.SeenItem, first bool, newSourceSince, now time.Time) (plan, error) {
	hashes := make(map[string]string, len(seen))
	for k, it := range seen {
		hashes[k] = it.Hash
	}
	oldest := now.Add(-p.o.Config.ItemMaxAge())
	var out plan
	for _, c := range feeds.Diff(hashes, feed.Items) {
		prev, wasSeen := seen[c.Item.Key]
		if wasSeen && !prev.Deleted.IsZero() {
			continue
		}
		// An enriched item is compared only with an enriched version: the
		// REST API appearing is no edit, and it failing once is none either.
		if prevWP := strings.HasPrefix(prev.Hash, "wp:"); wasSeen && prevWP != c.Item.Enriched {
			if !prevWP {
				rec := prev
				rec.Hash = c.Item.Hash
				out.records = append(out.records, rec)
			}
			continue
		}
		due := c.Item.Published
		future := !first && !wasSeen && due.After(now)
		at := now
		if future {
			at = due // rendered as it will read when published
		}
		post, err := p.post(handle, feed.Language, c.Item, prev, wasSeen, at)
		if err != nil {
			return plan{}, fmt.Errorf("render %s item %s: %w", handle, c.Item.Key, err)
		}
		switch {
		case future:
			out.schedule = append(out.schedule, store.Scheduled{Post: post, Due: due})
		case first:
			post.Silent = true
			out.posts = append(out.posts, post)
		default:
			post.Silent = !wasSeen && (!due.IsZero() && due.Before(oldest) ||
				!newSourceSince.IsZero() && (due.IsZero() || due.Before(newSourceSince)))
			out.posts = append(out.posts, post)
		}
	}
	return out, nil
}

// post renders one new (wasSeen false) or edited item at now.
func (p *Poller) post(handle, lang string, it feeds.Item, prev store.SeenItem, wasSeen bool, now time.Time) (store.Post, error) {
	rec := store.SeenItem{Key: it.Key, ObjectID: p.o.Render.Object(handle, it.Key), Hash: it.Hash, Link: it.Link}
	input := actorItem(it, lang)
	if !wasSeen {
		rec.Published = it.Published
		if rec.Published.IsZero() || rec.Published.After(now) {
			rec.Published = now
		}
		note, err := p.o.Render.Post(handle, p.o.Accounts.Style(handle), input, rec.Published, time.Time{})
		if err != nil {
			return store.Post{}, err
		}
		id, create, err := p.o.Render.Create(handle, note, rec.Published)
		if err != nil {
			return store.Post{}, err
		}
		return store.Post{Item: rec, Object: store.Document{ID: rec.ObjectID, JSON: note}, Activity: store.Document{ID: id, JSON: create}, At: rec.Published}, nil
	}
	rec.Published, rec.Version = prev.Published, prev.Version+1
	rec.Updated = editTime(prev, now)
	note, err := p.o.Render.Post(handle, p.o.Accounts.Style(handle), input, rec.Published, rec.Updated)
	if err != nil {
		return store.Post{}, err
	}
	id, update, err := p.o.Render.Update(handle, note, rec.Version, rec.Updated)
	if err != nil {
		return store.Post{}, err
	}
	return store.Post{Item: rec, Object: store.Document{ID: rec.ObjectID, JSON: note}, Activity: store.Document{ID: id, JSON: update}, At: rec.Updated}, nil
}

// editTime is the updated time of an edit of prev made at now. Documents
// carry times to the second (RFC 3339 without fractions), and peers ignore
// an Update whose updated is not later than what they hold: Mastodon than
// the last edit (ProcessStatusUpdateService), Akkoma than the last
// updated, else published (Object.Updater). So it is now to the second,
// and at least a second after both prev.Updated and prev.Published as
// they read: two edits within one second, or an edit in the second of
// publication, would otherwise look alike.
func editTime(prev store.SeenItem, now time.Time) time.Time {
	last := prev.Updated.Truncate(time.Second)
	if p := prev.Published.Truncate(time.Second); p.After(last) {
		last = p
	}
	at := now.Truncate(time.Second)
	if !at.After(last) {
		at = last.Add(time.Second)
	}
	return at
}

// actorItem is what a post is made of: the categories and tags together,
// the images with their alt text and size (or the feed's one image URL).
func actorItem(it feeds.Item, lang string) actor.Item {
	in := actor.Item{Key: it.Key, Title: it.Title, Link: it.Link, Summary: it.Summary, Content: it.Content,
		Language: lang, Author: it.Author, Categories: append(slices.Clip(it.Categories), it.Tags...)}
	for _, im := range it.Images {
		in.Images = append(in.Images, actor.Image{URL: im.URL, MediaType: im.MediaType, Alt: im.Alt, Width: im.Width, Height: im.Height})
	}
	if len(in.Images) == 0 && it.ImageURL != "" {
		in.Images = []actor.Image{{URL: it.ImageURL}}
	}
	return in
}

// release takes the held posts that are due at now out of schedule: they
// are published as they were rendered, and count as seen from now on.
func release(schedule []store.Scheduled, seen map[string]store.SeenItem, now time.Time) (posts []store.Post, keys []string) {
	for _, sp := range schedule {
		if sp.Due.After(now) {
			continue
		}
		if _, dup := seen[sp.Post.Item.Key]; dup {
			keys = append(keys, sp.Post.Item.Key) // published meanwhile
			continue
		}
		posts = append(posts, sp.Post)
		keys = append(keys, sp.Post.Item.Key)
		seen[sp.Post.Item.Key] = sp.Post.Item
	}
	return posts, keys
}

// anyDue reports whether a held post is due at now.
func anyDue(schedule []store.Scheduled, now time.Time) bool {
	for _, sp := range schedule {
		if !sp.Due.After(now) {
			return true
		}
	}
	return false
}

// nextDue is the earliest due time in schedule, zero if it is empty.
func nextDue(schedule []store.Scheduled) time.Time {
	var next time.Time
	for _, sp := range schedule {
		if next.IsZero() || sp.Due.Before(next) {
			next = sp.Due
		}
	}
	return next
}
