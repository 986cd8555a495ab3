package feeds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds the parser mutations of real and hand-written feeds. Parse
// must never panic, and what it returns must keep the package's promises.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"testdata", "testdata/wordpress"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() || strings.HasSuffix(e.Name(), ".md") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(`<rss version="2.0"><channel><item><title>&#8217;</title></item></channel></rss>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","content_text":"x"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		feed, err := Parse(body, "https://example.org/feed/")
		if err != nil {
			return
		}
		for i, it := range feed.Items {
			if it.Key == "" || len(it.Hash) != 64 {
				t.Errorf("item %d: empty key or bad hash: %+v", i, it)
			}
			if i > 0 && it.Published.Before(feed.Items[i-1].Published) {
				t.Errorf("item %d published before item %d", i, i-1)
			}
			if it.Link != "" && !strings.HasPrefix(it.Link, "http://") && !strings.HasPrefix(it.Link, "https://") {
				t.Errorf("item %d: link %q is not http(s)", i, it.Link)
			}
		}
		Diff(map[string]string{}, feed.Items)
	})
}

// FuzzParseWPPosts: REST API answers come from arbitrary servers too.
func FuzzParseWPPosts(f *testing.F) {
	f.Add([]byte(`[{"guid":{"rendered":"http://x/?p=1"},"link":"http://x/a/","_embedded":{"wp:term":[[{"name":"A &amp; B","taxonomy":"category"}]]}}]`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		posts, err := ParseWPPosts(body, "http://x/wp-json/")
		if err != nil {
			return
		}
		items := []Item{{Key: "http://x/?p=1"}}
		Enrich(items, posts)
	})
}
