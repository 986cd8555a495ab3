package bridge

import (
	"net/http"
)

// handleFeaturedTags answers GET /users/{handle}/collections/tags: the
// feed's featured hashtags.
func (b *Bridge) handleFeaturedTags(w http.ResponseWriter, r *http.Request) {
	handle, ok := b.knownHandle(r)
	if !ok {
		writeError(w, http.StatusNotFound, "no such account")
		return
	}
	doc, err := b.render.FeaturedTagsDocument(handle, b.styles[handle], b.feedConfig(handle).FeaturedTags)
	if err != nil {
		internalError(w, b.log, r, err)
		return
	}
	writeDocument(w, doc)
}
