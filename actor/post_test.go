package actor

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestHashtagName(t *testing.T) {
	for in, want := range map[string]string{
		"Water & Klimaat": "WaterKlimaat", "dijkversterking": "dijkversterking", "klimaat adaptatie": "KlimaatAdaptatie",
		"Zeeland": "Zeeland", "COVID-19": "COVID19", "2024": "", "  ": "", "C++": "C", "Fryslân nieuws": "FryslânNieuws",
		"snake_case": "snake_case", "#hash": "hash",
	} {
		if got := hashtagName(in); got != want {
			t.Errorf("hashtagName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHashtags(t *testing.T) {
	r := NewRenderer(testBase)
	for _, c := range []struct {
		name  string
		cats  []string
		style Style
		want  []string // name href
	}{
		{"default exclusions and duplicates", []string{"Geen categorie", "Nieuws", "nieuws", "Uncategorized", "Water & Klimaat"}, Style{},
			[]string{"Nieuws " + testBase + "/tags/nieuws", "WaterKlimaat " + testBase + "/tags/waterklimaat"}},
		{"configured exclusions, also CamelCased", []string{"Nieuws", "Water & Klimaat", "Zeeland"}, Style{ExcludedTags: []string{"nieuws", "waterklimaat"}},
			[]string{"Zeeland " + testBase + "/tags/zeeland"}},
		{"site tag pages", []string{"Fryslân"}, Style{TagURL: "https://example.org/tag/{tag}/"},
			[]string{"Fryslân https://example.org/tag/frysl%C3%A2n/"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, h := range r.hashtags(c.cats, c.style) {
				got = append(got, h.name+" "+h.href)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestCutAtWord(t *testing.T) {
	for _, c := range []struct {
		name, in string
		max      int
		want     string
	}{
		{"fits", "short text", 20, "short text"},
		{"cut at a space", "one two three four", 12, "one two…"},
		{"punctuation trimmed", "one, two three", 8, "one…"},
		{"one long word is not split", "Donaudampfschifffahrt", 10, ""},
		{"multibyte", "één twee drie", 9, "één twee…"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := cutAtWord(c.in, c.max)
			if got != c.want {
				t.Errorf("cutAtWord(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
			}
			if utf8.RuneCountInString(got) > c.max {
				t.Errorf("%q is longer than %d", got, c.max)
			}
		})
	}
}

// TestPostBudget: long summaries and many tags still fit the budget, cut
// at words, hashtags dropped whole from the end.
func TestPostBudget(t *testing.T) {
	r := NewRenderer(testBase)
	long := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 40)
	var many []string
	for i := range 60 {
		many = append(many, fmt.Sprintf("Onderwerp nummer %c", 'a'+rune(i%26))+strings.Repeat("x", i))
	}
	for _, c := range []struct {
		name  string
		item  Item
		style Style
		max   int
		min   int // the post weighs at least this
	}{
		{"long summary", Item{Title: "T", Link: "https://example.org/a", Summary: long}, Style{}, DefaultMaxChars, DefaultExcerptChars},
		{"many tags", Item{Title: "T", Link: "https://example.org/a", Summary: long, Categories: many}, Style{}, DefaultMaxChars, 450},
		{"small budget", Item{Title: "T", Link: "https://example.org/a", Summary: long, Categories: many}, Style{MaxChars: 200}, 200, 150},
		{"long excerpt allowed", Item{Title: "T", Link: "https://example.org/a", Summary: long}, Style{MaxChars: 1000, ExcerptChars: 900}, 1000, 900},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.item.Key = "k"
			doc, err := r.Post(testHandle, c.style, c.item, testPublished, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			n := fields(t, doc)
			content := n["content"].(string)
			w := r.weight(content)
			if w > c.max || w < c.min {
				t.Errorf("post weighs %d, want %d to %d:\n%s", w, c.min, c.max, content)
			}
			if !strings.Contains(content, "…</p>") {
				t.Errorf("excerpt not cut with …: %s", content)
			}
			for _, h := range tagNames(n) {
				if !strings.Contains(content, ">#<span>"+strings.TrimPrefix(h, "#")+"</span></a>") {
					t.Errorf("tag %s listed but not in the content", h)
				}
			}
		})
	}
}

func TestPostStyle(t *testing.T) {
	r := NewRenderer(testBase)
	tmpl, err := ParseTemplate(`<p>{{.Title}} — {{.Author}}</p><p><a href="{{.Link}}">lees meer</a></p>{{range .Tags}}<a href="{{.URL}}" rel="tag">#{{.Name}}</a> {{end}}`)
	if err != nil {
		t.Fatal(err)
	}
	item := Item{Key: "k", Title: "Storm <op> zee", Link: "https://example.org/a", Summary: "Kort.", Author: "Redactie", Categories: []string{"Weer", "Gevoelig"}, Language: "en"}
	for _, c := range []struct {
		name  string
		style Style
		check func(t *testing.T, n map[string]any)
	}{
		{"template", Style{Template: tmpl}, func(t *testing.T, n map[string]any) {
			wantField(t, n, `<p>Storm &lt;op&gt; zee — Redactie</p><p><a href="https://example.org/a">lees meer</a></p>`+
				`<a href="`+testBase+`/tags/weer" rel="tag">#Weer</a> <a href="`+testBase+`/tags/gevoelig" rel="tag">#Gevoelig</a>`, "content")
		}},
		{"content warning by category", Style{Warnings: map[string]string{"gevoelig": "Beelden van schade"}}, func(t *testing.T, n map[string]any) {
			wantField(t, n, "Beelden van schade", "summary")
			wantField(t, n, true, "sensitive")
			wantAbsent(t, n, "name")
		}},
		{"no warning for other categories", Style{Warnings: map[string]string{"oorlog": "x"}}, func(t *testing.T, n map[string]any) {
			wantAbsent(t, n, "summary")
			wantField(t, n, false, "sensitive")
		}},
		{"configured language wins", Style{Language: "nl"}, func(t *testing.T, n map[string]any) {
			wantField(t, n, map[string]any{"nl": n["content"]}, "contentMap")
		}},
		{"no excerpt", Style{ExcerptChars: -1}, func(t *testing.T, n map[string]any) {
			if strings.Contains(n["content"].(string), "Kort.") {
				t.Errorf("excerpt present: %s", n["content"])
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, err := r.Post(testHandle, c.style, item, testPublished, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, fields(t, doc))
		})
	}
}

func TestParseTemplateRejects(t *testing.T) {
	for name, text := range map[string]string{
		"syntax":        "{{.Title",
		"unknown field": "{{.Titel}}",
	} {
		if _, err := ParseTemplate(text); err == nil {
			t.Errorf("%s: %q accepted", name, text)
		}
	}
}

// TestSanitising: what Mastodon would strip never leaves Herald, in the
// Note (excerpt) and in the Article (whole content).
func TestSanitising(t *testing.T) {
	r := NewRenderer(testBase)
	evil := `<p onclick="x()">Hi <script>alert(1)</script><style>p{}</style><img src="https://example.org/a.png" onerror="x()" alt="A">` +
		`<iframe src="javascript:alert(2)"></iframe><iframe src="https://video.example/embed/1" title="Film"><p>fallback</p></iframe>` +
		`<a href="javascript:alert(3)">bad</a> <a href="https://example.org/ok" onclick="y()">ok</a></p>`
	for _, article := range []bool{false, true} {
		t.Run(fmt.Sprint("article=", article), func(t *testing.T) {
			doc, err := r.Post(testHandle, Style{Article: article}, Item{Key: "k", Title: "T", Link: "https://example.org/p", Content: evil}, testPublished, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			s := string(doc)
			for _, bad := range []string{"<script", "alert", "<style", "onclick", "onerror", "<iframe", "<img", "javascript", "fallback"} {
				if strings.Contains(s, bad) {
					t.Errorf("%s passed: %s", bad, s)
				}
			}
			n := fields(t, doc)
			att, _ := n["attachment"].([]any)
			if len(att) != 1 || att[0].(map[string]any)["name"] != "A" || att[0].(map[string]any)["mediaType"] != "image/png" {
				t.Errorf("attachment = %v, want the png with its alt", att)
			}
			if article && !strings.Contains(n["content"].(string), `<a href="https://video.example/embed/1">Film</a>`) {
				t.Errorf("iframe not turned into a link: %s", n["content"])
			}
		})
	}
}

func TestAttachments(t *testing.T) {
	img := func(u, typ string) Image { return Image{URL: u, MediaType: typ} }
	for _, c := range []struct {
		name string
		in   []Image
		want []string
	}{
		{"types by extension and declared", []Image{img("https://e.org/a.JPG", ""), img("https://e.org/b", "image/png; q=1"), img("https://e.org/c.gif", "")},
			[]string{"https://e.org/a.JPG", "https://e.org/b", "https://e.org/c.gif"}},
		{"types peers refuse are left out", []Image{img("https://e.org/a.webp", ""), img("https://e.org/b.svg", ""), img("https://e.org/c", ""), img("https://e.org/d.pdf", "application/pdf")}, nil},
		{"at most four, no duplicates", []Image{img("https://e.org/1.jpg", ""), img("https://e.org/1.jpg", ""), img("https://e.org/2.jpg", ""), img("https://e.org/3.jpg", ""), img("https://e.org/4.jpg", ""), img("https://e.org/5.jpg", "")},
			[]string{"https://e.org/1.jpg", "https://e.org/2.jpg", "https://e.org/3.jpg", "https://e.org/4.jpg"}},
		{"only http(s)", []Image{img("data:image/png;base64,AA", "image/png"), img("/rel.jpg", "")}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, a := range attachments(c.in) {
				got = append(got, a["url"].(string))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// TestAttachmentLimits: alt text is cut to MaxAltText characters and a
// size over 5000 pixels is left out, or Pixelfed drops the whole post
// (Helpers::verifyAttachments); shorter ones pass as they are.
func TestAttachmentLimits(t *testing.T) {
	long := strings.Repeat("A long description of the picture. ", 12)
	for _, c := range []struct {
		name     string
		in       Image
		wantAlt  string
		wantSize bool
	}{
		{"short alt, normal size", Image{URL: "https://e.org/a.jpg", Alt: "A cat", Width: 1200, Height: 800}, "A cat", true},
		{"alt of 255 characters kept", Image{URL: "https://e.org/a.jpg", Alt: strings.Repeat("é", 255)}, strings.Repeat("é", 255), false},
		{"long alt cut at a word", Image{URL: "https://e.org/a.jpg", Alt: long}, cutAtWord(long, MaxAltText), false},
		{"long alt without spaces cut", Image{URL: "https://e.org/a.jpg", Alt: strings.Repeat("x", 300)}, strings.Repeat("x", 254) + "…", false},
		{"panorama keeps no size", Image{URL: "https://e.org/a.jpg", Alt: "Wide", Width: 9000, Height: 2000}, "Wide", false},
		{"5000 pixels keep their size", Image{URL: "https://e.org/a.jpg", Alt: "Big", Width: 5000, Height: 5000}, "Big", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := attachments([]Image{c.in})
			if len(got) != 1 {
				t.Fatalf("%d attachments", len(got))
			}
			alt, _ := got[0]["name"].(string)
			if alt != c.wantAlt || utf8.RuneCountInString(alt) > MaxAltText {
				t.Errorf("alt = %q (%d characters), want %q", alt, utf8.RuneCountInString(alt), c.wantAlt)
			}
			if _, sized := got[0]["width"]; sized != c.wantSize {
				t.Errorf("width present %t, want %t", sized, c.wantSize)
			}
		})
	}
}

func TestLinkText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://example.org/a", `<span class="invisible">https://</span><span class="">example.org/a</span><span class="invisible"></span>`},
		{"https://example.org/2024/05/a-long-article-name/", `<span class="invisible">https://</span><span class="ellipsis">example.org/2024/05/a-long-art</span><span class="invisible">icle-name/</span>`},
		{"https://example.org/?a=1&b=<2>", `<span class="invisible">https://</span><span class="">example.org/?a=1&amp;b=&lt;2&gt;</span><span class="invisible"></span>`},
	} {
		if got := string(linkText(c.in)); got != c.want {
			t.Errorf("linkText(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestDeleteContract: the Delete names the post by its own id inside a
// Tombstone, comes from the author, and reaches the post's audience.
func TestDeleteContract(t *testing.T) {
	r := NewRenderer(testBase)
	obj := r.Object(testHandle, "k")
	id, doc, err := r.Delete(testHandle, obj, "Note", testEdited)
	if err != nil {
		t.Fatal(err)
	}
	d := fields(t, doc)
	wantField(t, d, id, "id")
	wantField(t, d, "Delete", "type")
	wantField(t, d, r.Actor(testHandle), "actor")
	wantField(t, d, obj, "object", "id")
	wantField(t, d, "Tombstone", "object", "type")
	wantField(t, d, "Note", "object", "formerType")
	wantField(t, d, []any{"https://www.w3.org/ns/activitystreams#Public"}, "to")
	wantField(t, d, []any{r.Followers(testHandle)}, "cc")
}

// TestPostWithoutTitle: items without a title (microblog feeds) get no
// empty title paragraph; the text and the link carry the post.
func TestPostWithoutTitle(t *testing.T) {
	r := NewRenderer(testBase)
	doc, err := r.Post(testHandle, Style{}, Item{Key: "k", Link: "https://example.org/n/1", Content: "<p>Just a short note.</p>"}, testPublished, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := `<p>Just a short note.</p><p><a href="https://example.org/n/1"><span class="invisible">https://</span><span class="">example.org/n/1</span><span class="invisible"></span></a></p>`
	wantField(t, fields(t, doc), want, "content")
}

// BenchmarkPost renders the longest WordPress sample post; compare with
// BenchmarkSanitizeOnly, one pass of the HTML policy over the same article,
// the floor of any rendering.
func BenchmarkPost(b *testing.B) {
	r := NewRenderer(testBase)
	it := wordpressItems(b)["http://127.0.0.1:8081/?p=4"]
	for b.Loop() {
		if _, err := r.Post(testHandle, Style{}, it, testPublished, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSanitizeOnly(b *testing.B) {
	r := NewRenderer(testBase)
	it := wordpressItems(b)["http://127.0.0.1:8081/?p=4"]
	for b.Loop() {
		_ = r.policy.Sanitize(it.Content)
	}
}
