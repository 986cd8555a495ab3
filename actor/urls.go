package actor

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// URLs mints every id Herald publishes. All ids live under Base, the public
// origin, and are derived only from stable inputs (handle, item key,
// follow id), so re-polling or restarting never mints a new id for the same
// thing.
type URLs struct {
	// Base is the public origin without a trailing slash.
	Base string
}

// Actor returns the id of handle's actor.
func (u URLs) Actor(handle string) string { return u.Base + "/users/" + handle }

// KeyID returns the id of handle's public key.
func (u URLs) KeyID(handle string) string { return u.Actor(handle) + "#main-key" }

// Inbox returns handle's personal inbox.
func (u URLs) Inbox(handle string) string { return u.Actor(handle) + "/inbox" }

// Outbox returns handle's outbox collection.
func (u URLs) Outbox(handle string) string { return u.Actor(handle) + "/outbox" }

// Followers returns handle's followers collection.
func (u URLs) Followers(handle string) string { return u.Actor(handle) + "/followers" }

// Following returns handle's following collection (always empty).
func (u URLs) Following(handle string) string { return u.Actor(handle) + "/following" }

// Featured returns handle's featured (pinned posts) collection.
func (u URLs) Featured(handle string) string { return u.Actor(handle) + "/featured" }

// FeaturedTags returns handle's collection of featured hashtags.
func (u URLs) FeaturedTags(handle string) string { return u.Actor(handle) + "/collections/tags" }

// Move returns the id of handle's Move to another account (an account
// moves once).
func (u URLs) Move(handle string) string { return u.Actor(handle) + "/move" }

// SharedInbox returns the server-wide inbox.
func (u URLs) SharedInbox() string { return u.Base + "/inbox" }

// InstanceActor returns the id of the server's own Application actor, which
// signs Herald's GET requests.
func (u URLs) InstanceActor() string { return u.Base + "/actor" }

// InstanceKeyID returns the id of the instance actor's key.
func (u URLs) InstanceKeyID() string { return u.InstanceActor() + "#main-key" }

// Object returns the id of the post made from the feed item with itemKey.
func (u URLs) Object(handle, itemKey string) string {
	return u.Actor(handle) + "/posts/" + slug(itemKey)
}

// Create returns the id of the Create activity of the object objectID.
func (u URLs) Create(objectID string) string { return objectID + "/activity" }

// Update returns the id of the version-th Update of the object objectID.
func (u URLs) Update(objectID string, version int) string {
	return objectID + "/updates/" + strconv.Itoa(version)
}

// Delete returns the id of the Delete activity of the object objectID.
func (u URLs) Delete(objectID string) string { return objectID + "/delete" }

// Likes returns the id of the collection of likes of objectID.
func (u URLs) Likes(objectID string) string { return objectID + "/likes" }

// Shares returns the id of the collection of boosts of objectID.
func (u URLs) Shares(objectID string) string { return objectID + "/shares" }

// Replies returns the id of the collection of replies to objectID.
func (u URLs) Replies(objectID string) string { return objectID + "/replies" }

// Accept returns the id of handle's Accept of the Follow followID.
func (u URLs) Accept(handle, followID string) string {
	return u.Actor(handle) + "/accepts/" + slug(followID)
}

// slug is a short, URL-safe, stable name for an arbitrary key: the first 16
// bytes of its SHA-256 in hex. Collisions would need 2^64 items.
func slug(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// About returns the server page: who runs the service and its accounts.
func (u URLs) About() string { return u.Base + "/about" }

// PrivacyPolicy returns the privacy policy page.
func (u URLs) PrivacyPolicy() string { return u.Base + "/about/privacy" }

// MinimumAgePolicy returns the minimum-age policy page.
func (u URLs) MinimumAgePolicy() string { return u.Base + "/about/minimum-age" }
