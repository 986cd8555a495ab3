package fedtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// pixelfedMediaTypes are Pixelfed's default media types (config/pixelfed.php
// media_types: image/jpeg, image/png, image/gif).
var pixelfedMediaTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true}

// pixelfedEnvelope makes Pixelfed's checks of any activity
// (FederationController userInbox, InboxValidator verifySignature): an id,
// JSON nested at most 8 deep (json_decode depth 8), the activity's id on
// the key's host, and a redelivered activity id dropped for an hour.
func (p *Peer) pixelfedEnvelope(d Delivery) string {
	id := str(d.Activity["id"])
	switch {
	case id == "":
		return "activity without id"
	case jsonDepth(d.Body) > 8:
		return fmt.Sprintf("JSON nested %d deep, more than json_decode's 8", jsonDepth(d.Body))
	case hostOf(id) != hostOf(d.KeyID):
		return "activity id is not on the key's host"
	case p.activities[id]:
		return "activity id seen within the hour: dropped as a duplicate"
	}
	p.activities[id] = true
	return ""
}

// pixelfedPost is Pixelfed's view of a Create or Update
// (app/Util/ActivityPub/Inbox.php handleCreateActivity, Helpers
// verifyAttachments, StatusRemoteUpdatePipeline): the object needs to and
// an attributedTo on the key's host; only Notes are kept, and only replies
// or Notes with attachments, all of which must pass
// ValidatePixelfedAttachments.
func pixelfedPost(d Delivery, obj map[string]any) string {
	switch {
	case obj["to"] == nil:
		return "object without to"
	case hostOf(idOf(obj["attributedTo"])) != hostOf(d.KeyID):
		return "attributedTo is not on the key's host"
	case str(obj["type"]) != "Note":
		return "Pixelfed drops an object of type " + str(obj["type"])
	case obj["inReplyTo"] == nil && len(list(obj["attachment"])) == 0:
		return "Pixelfed drops a Note without attachments"
	}
	if err := ValidatePixelfedAttachments(list(obj["attachment"])); err != nil {
		return "Pixelfed drops the post: " + err.Error()
	}
	return ""
}

// ValidatePixelfedAttachments checks a post's attachments as Pixelfed's
// Helpers::verifyAttachments does, across its releases: each a Document or
// Image with a url of at most 255 characters and a mediaType among the
// default media types, a name (alt text) of at most 255 characters (both
// limits in older releases; the newest dropped them), and width and
// height, when present, from 1 to 5000 (the newest). One bad attachment
// rejects the post.
func ValidatePixelfedAttachments(attachments []any) error {
	for i, v := range attachments {
		a, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("attachment %d is not an object", i)
		}
		u := hrefOf(a["url"])
		switch {
		case str(a["type"]) != "Image" && str(a["type"]) != "Document":
			return fmt.Errorf("attachment %d: type %q", i, str(a["type"]))
		case u == "" || utf8.RuneCountInString(u) > 255:
			return fmt.Errorf("attachment %d: url missing or over 255 characters", i)
		case !pixelfedMediaTypes[str(a["mediaType"])]:
			return fmt.Errorf("attachment %d: mediaType %q", i, str(a["mediaType"]))
		case utf8.RuneCountInString(str(a["name"])) > 255:
			return fmt.Errorf("attachment %d: name (alt text) over 255 characters", i)
		}
		for _, dim := range []string{"width", "height"} {
			if n, ok := a[dim].(float64); ok && (n < 1 || n > 5000) {
				return fmt.Errorf("attachment %d: %s %v outside 1..5000", i, dim, n)
			}
		}
	}
	return nil
}

// jsonDepth is how deep body's arrays and objects nest (a flat object is 1).
func jsonDepth(body []byte) int {
	dec := json.NewDecoder(bytes.NewReader(body))
	depth, deepest := 0, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return deepest
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			deepest = max(deepest, depth)
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}
