package accounts

import (
	"fmt"
	"strings"

	"herald/actor"
	"herald/config"
)

// postStyles turns each feed's post settings into the actor.Style its posts
// are rendered in, keyed by handle. A content template that does not
// execute is an error naming its key.
func postStyles(feeds []config.Feed) (map[string]actor.Style, error) {
	styles := make(map[string]actor.Style, len(feeds))
	for i, f := range feeds {
		s := actor.Style{
			Article:      f.ObjectType == "Article",
			MaxChars:     f.MaxChars,
			ExcerptChars: f.ExcerptLength,
			ExcludedTags: f.HashtagExclusions,
			TagURL:       f.TagURL,
			Warnings:     f.ContentWarnings,
			Language:     f.Language,
		}
		if strings.TrimSpace(f.ContentTemplate) != "" {
			t, err := actor.ParseTemplate(f.ContentTemplate)
			if err != nil {
				return nil, fmt.Errorf("feeds[%d].content_template: %w", i, err)
			}
			s.Template = t
		}
		styles[f.Handle] = s
	}
	return styles, nil
}
