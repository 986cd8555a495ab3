package actor

import (
	"github.com/microcosm-cc/bluemonday"
)

// Renderer renders posts and their activities. It is safe for concurrent use.
type Renderer struct {
	URLs
	policy *bluemonday.Policy // what post HTML may keep
	strict *bluemonday.Policy // strips all HTML
}

// NewRenderer returns a Renderer minting ids under base, the public origin.
func NewRenderer(base string) *Renderer {
	return &Renderer{URLs: URLs{Base: base}, policy: newPolicy(), strict: bluemonday.StrictPolicy()}
}
