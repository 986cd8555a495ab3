package accounts

import (
	"net/url"
	"strings"
	"time"

	"herald/actor"
)

// Profile assembles handle's profile: configured values first, then what
// the feed says about itself (title, description, image, site, language).
// The account's published time is that of its oldest post (Herald keeps no
// other creation date); attributionDomains default to the site's domain;
// discoverable and indexable default to true.
func (r *Registry) Profile(handle string) (actor.Profile, error) {
	st, err := r.store.FeedState(handle)
	if err != nil {
		return actor.Profile{}, err
	}
	f := r.Feed(handle)
	p := actor.Profile{
		Handle: handle, Type: f.ActorType,
		Name: firstSet(f.Name, st.Title), Summary: firstSet(f.Summary, st.Description),
		Language: firstSet(f.Language, st.Language), SiteURL: st.SiteURL,
		IconURL: firstSet(f.Avatar, st.ImageURL), HeaderURL: f.Header,
		AttributionDomains: f.AttributionDomains, FeaturedTags: f.FeaturedTags, AlsoKnownAs: f.AlsoKnownAs,
		Discoverable: f.Discoverable == nil || *f.Discoverable, Indexable: f.Indexable == nil || *f.Indexable,
		PublicKeyPEM: r.keys.actors[handle].pem,
	}
	if !r.Published(handle) { // its site has not confirmed it yet: keep it out of search
		p.Discoverable, p.Indexable = false, false
	}
	for _, fl := range f.Fields {
		p.Fields = append(p.Fields, actor.Field{Name: fl.Name, Value: fl.Value})
	}
	if p.AttributionDomains == nil {
		if u, err := url.Parse(st.SiteURL); err == nil && u.Hostname() != "" {
			p.AttributionDomains = []string{u.Hostname()}
		}
	}
	if p.Published, err = r.oldestPost(handle); err != nil {
		return actor.Profile{}, err
	}
	if p.MovedTo, err = r.MovedTo(handle); err != nil {
		return actor.Profile{}, err
	}
	return p, nil
}

// oldestPost returns when handle's oldest post was published, zero if it
// has none.
func (r *Registry) oldestPost(handle string) (time.Time, error) {
	seen, err := r.store.SeenItems(handle)
	if err != nil {
		return time.Time{}, err
	}
	var oldest time.Time
	for _, it := range seen {
		if !it.Published.IsZero() && (oldest.IsZero() || it.Published.Before(oldest)) {
			oldest = it.Published
		}
	}
	return oldest, nil
}

func firstSet(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
