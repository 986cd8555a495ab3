package clientapi

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"strings"
	"time"

	"herald/store"
)

// Ids in the client API are numbers in strings, as Mastodon's are, and
// clients assume that newer posts have larger ids (they sort and page by
// them). Herald keeps no ids of its own for feed posts, so they are
// derived:
//
// A feed post's id is the time its Create sits at in the account's outbox (its
// publication time, unique per outbox) in milliseconds since the epoch,
// shifted left 16 bits, plus the first 16 bits of the SHA-256 of its
// object id: Mastodon's snowflake layout. The id leads back to the post:
// its time names the outbox millisecond to look in, its low bits which of
// the posts there it is (findPost). Two posts of one account published in
// the same millisecond share an id only if their object ids' hashes also
// agree in 16 bits.
//
// An account's id is the first 62 bits of the SHA-256 of "herald account
// " and its handle: stable, and found back by trying the few handles.

// timeFormat is Mastodon's time format: ISO 8601 in UTC with milliseconds.
const timeFormat = "2006-01-02T15:04:05.000Z"

// statusID returns the id of the post with objectID placed at at.
func statusID(at time.Time, objectID string) uint64 {
	sum := sha256.Sum256([]byte(objectID))
	return uint64(max(at.UnixMilli(), 0))<<16 | uint64(binary.BigEndian.Uint16(sum[:2]))
}

// idMillisecond returns the start of the millisecond an id was made in.
func idMillisecond(id uint64) time.Time {
	return time.UnixMilli(int64(id >> 16)).UTC()
}

// parseID reads an id parameter; ok is false when it is not a number.
func parseID(s string) (id uint64, ok bool) {
	id, err := strconv.ParseUint(s, 10, 64)
	return id, err == nil
}

// accountID returns the id of the account handle.
func accountID(handle string) string {
	sum := sha256.Sum256([]byte("herald account " + handle))
	return strconv.FormatUint(binary.BigEndian.Uint64(sum[:8])>>2, 10)
}

// handleOf returns the handle whose account id is id.
func (a *API) handleOf(id string) (string, bool) {
	for _, h := range a.o.Accounts.Handles() {
		if accountID(h) == id {
			return h, true
		}
	}
	return "", false
}

// A post written in an app has an id of its own, chosen when it is made:
// its creation millisecond shifted left 16 bits, plus 16 random bits (the
// store refuses a taken id, and the post is given another). Its object id
// ends in that number (actor.URLs.StatusID), so the id is found again in
// the outbox and in the store without a table.
//
// A post Herald received (a reply or mention) has the id of its arrival
// millisecond shifted left 16 bits plus 16 bits of the hash of its object
// id, as a post's; a notification likewise, from the time of what it
// tells and what it is about. A remote account's id is the first 62 bits
// of the SHA-256 of "herald remote account " and its actor id.

// newStatusID returns a fresh id for a post made at at.
func newStatusID(at time.Time) uint64 {
	var b [2]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails
	return uint64(max(at.UnixMilli(), 0))<<16 | uint64(binary.BigEndian.Uint16(b[:]))
}

// localStatusID returns the id of the post written in an app whose object
// id is objectID (BASE/users/HANDLE/posts/ID); ok is false for any other
// id, a feed post's among them (their last segment is 32 hex digits).
func localStatusID(objectID string) (uint64, bool) {
	i := strings.LastIndex(objectID, "/posts/")
	if i < 0 {
		return 0, false
	}
	digits := objectID[i+len("/posts/"):]
	if digits == "" || len(digits) > 20 || digits[0] == '0' || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	return parseID(digits)
}

// receivedStatusID returns the id of the post i, a reply or mention.
func receivedStatusID(i store.Interaction) uint64 { return statusID(i.Received, i.ID) }

// remoteAccountID returns the id of the remote account actorID.
func remoteAccountID(actorID string) string {
	sum := sha256.Sum256([]byte("herald remote account " + actorID))
	return strconv.FormatUint(binary.BigEndian.Uint64(sum[:8])>>2, 10)
}

// formatID writes an id as the API does: a decimal string.
func formatID(id uint64) string { return strconv.FormatUint(id, 10) }
