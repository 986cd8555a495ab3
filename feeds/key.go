package feeds

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
	"strings"
	"time"
)

// normalizeKey normalises a guid or link into an item key: it trims spaces
// and, for URL-shaped keys (scheme "://" authority ...), lowercases the scheme
// and host and drops a default port (:80 for http, :443 for https). Path,
// query and fragment are kept byte for byte: they are the part that tells
// posts apart (WordPress: "/?p=4"; comment feeds and single-page news lists:
// "/?p=1#comment-1", "/news#item-7"), and re-encoding them could merge or
// split identities. Merging two items would lose a post, which is worse than
// announcing one twice.
//
// http is deliberately not turned into https: a guid is an identifier, not
// a locator (RFC 4287 section 4.2.6 compares ids character by character, and
// an RSS guid need not resolve at all), so "http://x/?p=4" is just a name.
// WordPress keeps its http guids when a site moves to https, so they stay
// stable; mapping the two schemes together would risk merging distinct items,
// which is worse than announcing a post twice.
func normalizeKey(raw string) string {
	s := strings.TrimSpace(raw)
	i := strings.Index(s, "://")
	if i <= 0 || !isScheme(s[:i]) {
		return s
	}
	scheme := strings.ToLower(s[:i])
	rest := s[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	return scheme + "://" + normalizeAuthority(scheme, rest[:end]) + rest[end:]
}

// isScheme reports whether s is a URI scheme (RFC 3986 section 3.1).
func isScheme(s string) bool {
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// normalizeAuthority lowercases the host of an authority ("user@host:port")
// and drops the scheme's default port. User info is kept as it is.
func normalizeAuthority(scheme, auth string) string {
	userinfo := ""
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		userinfo, auth = auth[:at+1], auth[at+1:]
	}
	host, port := auth, ""
	if c := strings.LastIndexByte(auth, ':'); c >= 0 && !strings.Contains(auth[c:], "]") {
		host, port = auth[:c], auth[c+1:]
	}
	host = strings.ToLower(host)
	if port == "" || (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		return userinfo + host
	}
	return userinfo + host + ":" + port
}

// contentKey is the key of an item with neither guid nor link: a hash of its
// title, content and published time.
func contentKey(it Item) string {
	h := sha256.New()
	writeField(h, it.Title)
	writeField(h, it.Content)
	published := ""
	if !it.Published.IsZero() {
		published = it.Published.UTC().Format(time.RFC3339Nano)
	}
	writeField(h, published)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// itemHash is the hex SHA-256 over what a reader sees of it. Every field is
// length-prefixed, so "ab"+"c" and "a"+"bc" hash differently, and the
// category list is prefixed with its count.
func itemHash(it Item) string {
	h := sha256.New()
	writeField(h, "herald-item-v1")
	writeField(h, it.Title)
	writeField(h, it.Link)
	writeField(h, it.Summary)
	writeField(h, it.Content)
	writeField(h, strconv.Itoa(len(it.Categories)))
	for _, c := range it.Categories {
		writeField(h, c)
	}
	writeField(h, it.ImageURL)
	return hex.EncodeToString(h.Sum(nil))
}

// enrichedHash is the Hash of an enriched item: "wp:" and the hex SHA-256
// over what itemHash covers plus tags and every image with its alt text,
// type and size.
func enrichedHash(it Item) string {
	h := sha256.New()
	writeField(h, "herald-item-wp-v1")
	writeField(h, itemHash(it))
	writeField(h, strconv.Itoa(len(it.Tags)))
	for _, t := range it.Tags {
		writeField(h, t)
	}
	writeField(h, strconv.Itoa(len(it.Images)))
	for _, im := range it.Images {
		writeField(h, im.URL)
		writeField(h, im.MediaType)
		writeField(h, im.Alt)
		writeField(h, strconv.Itoa(im.Width)+"x"+strconv.Itoa(im.Height))
	}
	return "wp:" + hex.EncodeToString(h.Sum(nil))
}

// writeField writes s to h as "<len>:<s>".
func writeField(h hash.Hash, s string) {
	// hash.Hash.Write never returns an error.
	_, _ = h.Write([]byte(strconv.Itoa(len(s)) + ":" + s))
}
