package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"
)

// wpPostsQuery is appended to the REST API root: the newest posts with
// their author, featured image and terms embedded.
const wpPostsQuery = "wp/v2/posts?_embed=1&per_page=20"

// WPPost is what the WordPress REST API tells about one post beyond its
// feed item.
type WPPost struct {
	// GUID and Link are the post's guid and permalink, normalised like
	// item keys; either may match an item.
	GUID, Link string
	Title      string
	Content    string
	Author     string
	Categories []string
	Tags       []string
	Images     []Image
	Modified   time.Time
}

// wpJSON is the part of a /wp/v2/posts?_embed answer Herald reads.
type wpJSON struct {
	GUID        struct{ Rendered string } `json:"guid"`
	Link        string                    `json:"link"`
	ModifiedGMT string                    `json:"modified_gmt"`
	Content     struct {
		Rendered  string `json:"rendered"`
		Protected bool   `json:"protected"`
	} `json:"content"`
	Embedded struct {
		Author []struct {
			Name string `json:"name"`
		} `json:"author"`
		Media []struct {
			SourceURL    string `json:"source_url"`
			AltText      string `json:"alt_text"`
			MimeType     string `json:"mime_type"`
			MediaDetails struct {
				Width  int `json:"width"`
				Height int `json:"height"`
			} `json:"media_details"`
		} `json:"wp:featuredmedia"`
		Terms [][]struct {
			Name     string `json:"name"`
			Taxonomy string `json:"taxonomy"`
		} `json:"wp:term"`
	} `json:"_embedded"`
}

// ParseWPPosts parses a /wp/v2/posts?_embed answer. URLs are resolved
// against apiURL; REST dates without an offset are UTC (modified_gmt).
func ParseWPPosts(body []byte, apiURL string) ([]WPPost, error) {
	var raw []wpJSON
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("WordPress posts: %w", err)
	}
	base := parseBase(apiURL)
	out := make([]WPPost, 0, len(raw))
	for _, r := range raw {
		p := WPPost{GUID: normalizeKey(r.GUID.Rendered), Link: normalizeKey(r.Link)}
		if !r.Content.Protected {
			p.Content = strings.TrimSpace(r.Content.Rendered)
		}
		if t, err := time.Parse("2006-01-02T15:04:05", r.ModifiedGMT); err == nil {
			p.Modified = t.UTC()
		}
		if len(r.Embedded.Author) > 0 {
			p.Author = plainText(r.Embedded.Author[0].Name)
		}
		for _, m := range r.Embedded.Media {
			if u := resolveHTTP(base, m.SourceURL); u != "" && isRasterImage(imageCandidate{url: u, mime: m.MimeType}, u) {
				p.Images = append(p.Images, Image{URL: u, MediaType: m.MimeType, Alt: plainText(m.AltText),
					Width: m.MediaDetails.Width, Height: m.MediaDetails.Height})
			}
		}
		for _, group := range r.Embedded.Terms {
			for _, term := range group {
				name := collapseSpace(html.UnescapeString(term.Name))
				switch term.Taxonomy {
				case "category":
					p.Categories = append(p.Categories, name)
				case "post_tag":
					p.Tags = append(p.Tags, name)
				}
			}
		}
		p.Categories, p.Tags = cleanCategories(p.Categories), cleanCategories(p.Tags)
		out = append(out, p)
	}
	return out, nil
}

// Enrich fills in the items that match a REST post (by guid, either GUID
// shape, or by permalink) with what the post adds: featured image, author,
// categories and tags told apart, modification time and full content. The
// matched items get Enriched set and their Hash recomputed; others are left
// as they are.
func Enrich(items []Item, posts []WPPost) {
	byKey := make(map[string]*WPPost, 2*len(posts))
	for i := range posts {
		for _, k := range []string{posts[i].GUID, posts[i].Link} {
			if k != "" {
				byKey[k] = &posts[i]
			}
		}
	}
	for i := range items {
		it := &items[i]
		p := byKey[it.Key]
		if p == nil && it.Link != "" {
			p = byKey[normalizeKey(it.Link)]
		}
		if p == nil {
			continue
		}
		if p.Content != "" {
			it.Content = p.Content
		}
		if p.Author != "" {
			it.Author = p.Author
		}
		if len(p.Categories)+len(p.Tags) > 0 {
			it.Categories, it.Tags = p.Categories, p.Tags
		}
		it.Images, it.Modified, it.Enriched = p.Images, p.Modified, true
		if len(p.Images) > 0 {
			it.ImageURL = p.Images[0].URL
		}
		it.Hash = enrichedHash(*it)
	}
}

// WordPressPosts fetches the newest posts from the REST API at apiRoot
// (the rel="https://api.w.org/" URL, ending in "/"), with the same limits
// as a feed. Sites that block the API answer 401, 403 or 404: an
// *HTTPError.
func (f *Fetcher) WordPressPosts(ctx context.Context, apiRoot string) ([]WPPost, error) {
	if f.Client == nil {
		return nil, fmt.Errorf("fetch WordPress posts: feeds.Fetcher has no Client")
	}
	u := strings.TrimRight(apiRoot, "/") + "/" + wpPostsQuery
	if strings.Contains(apiRoot, "?") { // plain permalinks: /?rest_route=/
		u = apiRoot + "wp/v2/posts&_embed=1&per_page=20"
	}
	ctx, cancel, timeout := f.withTimeout(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	if f.UserAgent != "" {
		req.Header.Set("User-Agent", f.UserAgent)
	}
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, fetchError(ctx, u, timeout, err)
	}
	defer resp.Body.Close()
	if he := statusError(resp); he != nil {
		return nil, he
	}
	body, err := f.readBody(resp)
	if err != nil {
		return nil, fetchError(ctx, u, timeout, err)
	}
	posts, err := ParseWPPosts(body, finalURL(resp))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	return posts, nil
}
