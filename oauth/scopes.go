package oauth

import (
	"slices"
	"strings"
)

// Scopes holds the scopes Mastodon 4.3 knows (Doorkeeper's default and
// optional scopes in Mastodon's config/initializers/doorkeeper.rb, with
// profile). Apps may register for any of them, so that the standard apps,
// which ask for "read write follow push", can sign in; what Herald
// answers is checked per endpoint.
var Scopes = []string{
	"read", "write", "follow", "push", "profile",
	"read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows",
	"read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses",
	"write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites",
	"write:filters", "write:follows", "write:lists", "write:media", "write:mutes",
	"write:notifications", "write:reports", "write:statuses",
	"admin:read", "admin:read:accounts", "admin:read:reports", "admin:read:domain_allows",
	"admin:read:domain_blocks", "admin:read:ip_blocks", "admin:read:email_domain_blocks",
	"admin:read:canonical_email_blocks", "admin:write", "admin:write:accounts", "admin:write:reports",
	"admin:write:domain_allows", "admin:write:domain_blocks", "admin:write:ip_blocks",
	"admin:write:email_domain_blocks", "admin:write:canonical_email_blocks",
}

// defaultScope is granted when a request names none, as Doorkeeper's
// default_scopes in Mastodon.
const defaultScope = "read"

// followScopes are what the legacy "follow" scope stands for (Mastodon's
// docs, OAuth scopes).
var followScopes = []string{"read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes"}

// parseScopes splits a scope parameter at spaces (or pluses, as query
// strings may carry them), without repeats. ok is false when one of them
// is not a known scope. An empty parameter gives the default scope.
func parseScopes(param string) (scopes []string, ok bool) {
	for s := range strings.FieldsFuncSeq(param, func(r rune) bool { return r == ' ' || r == '+' || r == '\t' || r == '\n' }) {
		if !slices.Contains(Scopes, s) {
			return nil, false
		}
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	if len(scopes) == 0 {
		scopes = []string{defaultScope}
	}
	return scopes, true
}

// within reports whether every scope of asked is among allowed, as
// Doorkeeper compares a request's scopes with an app's: literally.
func within(asked, allowed []string) bool {
	for _, s := range asked {
		if !slices.Contains(allowed, s) {
			return false
		}
	}
	return true
}

// covers reports whether granted scopes include want: want itself, a
// scope it refines (read covers read:statuses; admin:read covers
// admin:read:accounts), or follow for the scopes follow stands for.
func covers(granted []string, want string) bool {
	for _, g := range granted {
		if g == want || strings.HasPrefix(want, g+":") || g == "follow" && slices.Contains(followScopes, want) {
			return true
		}
	}
	return false
}
