package actor

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"herald/feeds"
)

// wordpressItems parses testdata/wordpress/1-published.rss.xml, a real
// WordPress 6.1 feed (Dutch site), into Items keyed by guid, mapped as
// intake/plan.go maps them. The featured image of ?p=6 is in no feed,
// only in the REST API (?_embed: wp:featuredmedia); it is added here as the
// feed reader gets it from there.
func wordpressItems(t testing.TB) map[string]Item {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "wordpress", "1-published.rss.xml"))
	if err != nil {
		t.Fatal(err)
	}
	feed, err := feeds.Parse(raw, "http://127.0.0.1:8081/feed/")
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]Item{}
	for _, it := range feed.Items {
		items[it.Key] = Item{Key: it.Key, Title: it.Title, Link: it.Link, Summary: it.Summary, Content: it.Content,
			Language: feed.Language, Author: it.Author, Categories: it.Categories}
	}
	p6 := items["http://127.0.0.1:8081/?p=6"]
	p6.Images = []Image{{URL: "http://127.0.0.1:8081/wp-content/uploads/2026/11/video-en-foto-de-oosterscheldekering-e4476d.jpg",
		MediaType: "image/jpeg", Alt: "De Oosterscheldekering bij storm", Width: 1200, Height: 675}}
	items[p6.Key] = p6
	return items
}

var wpPublished = time.Date(2026, 11, 26, 1, 33, 29, 0, time.UTC)

// wordpressPostTests are the WordPress sample posts TestWordPressPosts
// renders, by guid, with what their content must and must not contain,
// their hashtags and their image attachments.
var wordpressPostTests = []struct {
	name, key    string
	wantIn       []string // substrings of content
	wantTags     []string
	wantImages   []string // attachment url suffixes, in order
	wantExcerpt  bool
	notInContent []string
}{
	{"Dutch text with entities", "http://127.0.0.1:8081/?p=4",
		[]string{"Kabinet investeert € 5 miljoen", "“Veiligheid tegen het water", "Rijkswaterstaat &amp; de waterschappen", "zo’n samenwerking"},
		[]string{"#Nieuws", "#waterveiligheid"}, nil, true, []string{"&#8220;", "&amp;#", "<h2>"}},
	{"image, iframe and featured image", "http://127.0.0.1:8081/?p=6",
		[]string{"Video en foto: de Oosterscheldekering", "Bekijk de video"},
		[]string{"#Multimedia"}, []string{"e4476d.jpg", "faaaae-1024x576.jpg"}, true, []string{"<img", "<iframe", "youtube"}},
	{"categories, tags and excerpt", "http://127.0.0.1:8081/?p=10",
		[]string{"dijken &amp; duinen: ‘samen sterker’", "<p>Handmatige samenvatting: nieuwe regels voor dijken en duinen.</p>"},
		[]string{"#Nieuws", "#Persberichten", "#WaterKlimaat", "#Deltaprogramma", "#dijkversterking", "#klimaatadaptatie", "#Zeeland"}, nil, true,
		[]string{"wettekst"}},
}

// TestWordPressPosts renders the three WordPress sample posts and checks
// what followers will see.
func TestWordPressPosts(t *testing.T) {
	r := NewRenderer(testBase)
	items := wordpressItems(t)
	for _, c := range wordpressPostTests {
		t.Run(c.name, func(t *testing.T) {
			it, ok := items[c.key]
			if !ok {
				t.Fatalf("no item %s in the feed", c.key)
			}
			doc, err := r.Post(testHandle, Style{}, it, wpPublished, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			n := fields(t, doc)
			checkPost(t, r, n, it.Link)
			content := n["content"].(string)
			for _, s := range c.wantIn {
				if !strings.Contains(content, s) {
					t.Errorf("content lacks %q:\n%s", s, content)
				}
			}
			for _, s := range c.notInContent {
				if strings.Contains(content, s) {
					t.Errorf("content has %q:\n%s", s, content)
				}
			}
			wantField(t, n, map[string]any{"nl": content}, "contentMap")
			if got := tagNames(n); !slices.Equal(got, c.wantTags) {
				t.Errorf("tags = %v, want %v", got, c.wantTags)
			}
			checkImages(t, n, c.wantImages)
		})
	}
}

// checkImages checks that n's attachments are the WordPress sample's
// images whose URLs end in want, in order.
func checkImages(t *testing.T, n map[string]any, want []string) {
	t.Helper()
	att, _ := n["attachment"].([]any)
	if len(att) != len(want) {
		t.Fatalf("attachments = %v, want %v", att, want)
	}
	for i, a := range att {
		img := a.(map[string]any)
		if !strings.HasSuffix(img["url"].(string), want[i]) || img["type"] != "Image" || img["mediaType"] != "image/jpeg" ||
			img["name"] != "De Oosterscheldekering bij storm" || img["width"] == nil || img["height"] == nil {
			t.Errorf("attachment %d = %v", i, img)
		}
	}
}

// checkPost checks what every Note must be: no name, the article link as
// the first link, hashtag links marked, within the budget, no markup
// Mastodon strips, interaction collections named.
func checkPost(t *testing.T, r *Renderer, n map[string]any, link string) {
	t.Helper()
	wantAbsent(t, n, "name")
	content, _ := n["content"].(string)
	if w := r.weight(content); w > DefaultMaxChars {
		t.Errorf("post weighs %d characters, over %d", w, DefaultMaxChars)
	}
	hrefs := regexp.MustCompile(`<a href="([^"]*)"([^>]*)>`).FindAllStringSubmatch(content, -1)
	if len(hrefs) == 0 || hrefs[0][1] != strings.ReplaceAll(link, "&", "&amp;") {
		t.Errorf("first link is not the article %s: %s", link, content)
	}
	for _, h := range hrefs[1:] {
		if !strings.Contains(h[2], `rel="tag"`) {
			t.Errorf("a link after the article's is not a hashtag: %s", h[0])
		}
	}
	for _, bad := range []string{"<img", "<iframe", "<script", "<style", "onerror", "onclick"} {
		if strings.Contains(content, bad) {
			t.Errorf("content keeps %s: %s", bad, content)
		}
	}
	id := n["id"].(string)
	u := URLs{Base: testBase}
	wantField(t, n, u.Replies(id), "replies", "id")
	wantField(t, n, u.Likes(id), "likes")
	wantField(t, n, u.Shares(id), "shares")
}

func tagNames(n map[string]any) []string {
	var out []string
	tags, _ := n["tag"].([]any)
	for _, tg := range tags {
		m := tg.(map[string]any)
		if m["type"] == "Hashtag" && strings.HasPrefix(m["href"].(string), "https://") {
			out = append(out, m["name"].(string))
		}
	}
	return out
}

// TestArticleWithPreview renders the image and iframe post as an Article:
// title as name, the whole article (iframe as a link, images lifted out),
// and a preview Note that is the Note Herald would otherwise post.
func TestArticleWithPreview(t *testing.T) {
	r := NewRenderer(testBase)
	it := wordpressItems(t)["http://127.0.0.1:8081/?p=6"]
	doc, err := r.Post(testHandle, Style{Article: true}, it, wpPublished, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	a := fields(t, doc)
	wantField(t, a, "Article", "type")
	wantField(t, a, "Video en foto: de Oosterscheldekering", "name")
	content := a["content"].(string)
	if !strings.Contains(content, `<a href="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ">Deltaprogramma in 3 minuten</a>`) {
		t.Errorf("iframe did not become a link: %s", content)
	}
	if strings.Contains(content, "<img") || strings.Contains(content, "<iframe") || strings.Contains(content, "<p></p>") {
		t.Errorf("article content keeps an image, an iframe or an empty paragraph: %s", content)
	}
	preview, _ := a["preview"].(map[string]any)
	wantField(t, preview, "Note", "type")
	note, err := r.Post(testHandle, Style{}, it, wpPublished, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	wantField(t, preview, fields(t, note)["content"], "content")
	wantAbsent(t, preview, "name", "id")
}
