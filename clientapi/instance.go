package clientapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"herald/actor"
	"herald/oauth"
	"herald/respond"
)

// Limits the instance reports: Mastodon's, which Herald's posts keep to.
var limits = map[string]any{
	"statuses": map[string]int{"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23},
	"media_attachments": map[string]any{
		"supported_mime_types": []string{"image/jpeg", "image/png", "image/gif", "image/webp"},
		"image_size_limit":     16777216, "image_matrix_limit": 33177600, "video_size_limit": 103809024,
		"video_frame_rate_limit": 120, "video_matrix_limit": 8294400, "description_limit": 1500,
	},
	"polls": map[string]int{"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300, "max_expiration": 2629746},
}

// version is what the instance says it runs: the Mastodon API version
// Herald answers, and Herald's own, as compatible servers write it.
func (a *API) version() string {
	return actor.MastodonAPIVersion + " (compatible; Herald " + a.o.Version + ")"
}

// title is the server's name: the operator, else the host.
func (a *API) title() string {
	if a.o.Config.Operator.Name != "" {
		return a.o.Config.Operator.Name
	}
	return a.o.Config.HandleDomain()
}

func (a *API) description() string {
	return "Fediverse accounts for the news of " + a.title() + ", served by Herald: each account publishes a website's feed."
}

// languages are the operator's language and those of the accounts.
func (a *API) languages() []string {
	out := []string{a.o.Config.Operator.Lang()}
	for _, f := range a.o.Config.Feeds {
		if lang, _, _ := strings.Cut(f.Language, "-"); lang != "" && !slices.Contains(out, lang) {
			out = append(out, lang)
		}
	}
	return out
}

// thumbnail is the first account's banner or avatar, else the stand-in.
func (a *API) thumbnail() string {
	for _, f := range a.o.Config.Feeds {
		if f.Header != "" {
			return f.Header
		}
		if f.Avatar != "" {
			return f.Avatar
		}
	}
	return a.o.Config.BaseURL + missingAvatar
}

// streamingURL is where Mastodon's streaming API would be. Herald has
// none yet; clients that try it get 404 and fall back to polling.
func (a *API) streamingURL() string {
	u, _ := url.Parse(a.o.Config.BaseURL)
	scheme := "wss"
	if u.Scheme == "http" {
		scheme = "ws"
	}
	return scheme + "://" + u.Host
}

// handleInstanceV2 answers GET /api/v2/instance with Mastodon 4.3's
// Instance entity: registrations closed, no rules, the operator's email
// as contact (no contact account), api_versions mastodon 2.
func (a *API) handleInstanceV2(w http.ResponseWriter, _ *http.Request, _ oauth.Access) {
	base := a.o.Config.BaseURL
	configuration := map[string]any{
		"urls":        map[string]any{"streaming": a.streamingURL(), "status": nil, "about": base + "/about", "privacy_policy": base + "/about/privacy", "terms_of_service": nil},
		"accounts":    map[string]int{"max_featured_tags": 10, "max_pinned_statuses": maxPinned, "max_profile_fields": 4, "profile_field_name_limit": 255, "profile_field_value_limit": 255, "max_note_length": 500},
		"translation": map[string]bool{"enabled": false},
	}
	for k, v := range limits {
		configuration[k] = v
	}
	writeJSON(w, map[string]any{
		"domain": a.o.Config.HandleDomain(), "title": a.title(), "version": a.version(),
		"source_url": "", "description": a.description(),
		"usage":     map[string]any{"users": map[string]int{"active_month": len(a.o.Config.Feeds)}},
		"thumbnail": map[string]any{"url": a.thumbnail()}, "icon": []any{}, "languages": a.languages(),
		"configuration": configuration,
		"registrations": map[string]any{"enabled": false, "approval_required": false, "reason_required": false, "message": nil, "min_age": nil, "url": nil},
		"api_versions":  map[string]int{"mastodon": 2},
		"contact":       map[string]any{"email": a.o.Config.Operator.ContactEmail(), "account": nil},
		"rules":         []any{},
	})
}

// handleInstanceV1 answers GET /api/v1/instance, the older Instance
// entity, with the counts Herald has: its accounts, their posts and the
// servers their followers are on.
func (a *API) handleInstanceV1(w http.ResponseWriter, r *http.Request, _ oauth.Access) {
	posts, domains := 0, map[string]bool{}
	for _, h := range a.o.Accounts.Handles() {
		n, _, err := a.postCounts(h)
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
		posts += n
		followers, err := a.o.Store.Followers(h)
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
		for _, f := range followers {
			if u, err := url.Parse(f.ID); err == nil {
				domains[u.Host] = true
			}
		}
	}
	configuration := map[string]any{"accounts": map[string]int{"max_featured_tags": 10, "max_pinned_statuses": maxPinned}}
	for k, v := range limits {
		configuration[k] = v
	}
	writeJSON(w, map[string]any{
		"uri": a.o.Config.HandleDomain(), "title": a.title(), "short_description": a.description(), "description": a.description(),
		"email": a.o.Config.Operator.ContactEmail(), "version": a.version(), "urls": map[string]string{"streaming_api": a.streamingURL()},
		"stats":     map[string]int{"user_count": len(a.o.Config.Feeds), "status_count": posts, "domain_count": len(domains)},
		"thumbnail": a.thumbnail(), "languages": a.languages(), "registrations": false, "approval_required": false,
		"invites_enabled": false, "configuration": configuration, "contact_account": nil, "rules": []any{},
	})
}
