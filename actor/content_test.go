package actor

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestExcerptSanitises(t *testing.T) {
	r := NewRenderer(testBase)
	for _, c := range []struct {
		name, summary, content, want string
	}{
		{"script removed with its text", `<p>Hi</p><script>alert("x")</script>`, "", "<p>Hi</p>"},
		{"style removed with its text", `<style>p{color:red}</style><p>Hi</p>`, "", "<p>Hi</p>"},
		{"iframe removed", `<p>Watch</p><iframe src="https://video.example/embed">fallback</iframe>`, "", "<p>Watch</p>"},
		{"img removed", `<p>Look <img src="https://example.org/a.png" alt="a cat"> here</p>`, "", "<p>Look  here</p>"},
		{"onclick removed", `<p onclick="steal()">Click <b onmouseover="x()">me</b></p>`, "", "<p>Click <b>me</b></p>"},
		{"javascript link unlinked", `<p><a href="javascript:alert(1)">Read</a> on</p>`, "", "<p>Read on</p>"},
		{"data link unlinked", `<p><a href="data:text/html,x">Read</a></p>`, "", "<p>Read</p>"},
		{"relative link unlinked", `<p><a href="/about">About</a></p>`, "", "<p>About</p>"},
		{"link attributes dropped", `<p><a href="https://example.org/x" target="_blank" class="c" style="color:red">x</a></p>`, "", `<p><a href="https://example.org/x">x</a></p>`},
		{"allowed tags kept", `<p><strong>a</strong> <em>b</em> <code>c</code> <del>d</del><br>e</p><blockquote><p>q</p></blockquote><ul><li>one</li></ul><pre>pre</pre>`, "",
			`<p><strong>a</strong> <em>b</em> <code>c</code> <del>d</del><br>e</p><blockquote><p>q</p></blockquote><ul><li>one</li></ul><pre>pre</pre>`},
		{"headings kept", `<h2>Title</h2><p>Body</p>`, "", `<h2>Title</h2><p>Body</p>`},
		{"div and span classes dropped", `<div class="x"><span class="y">text</span></div>`, "", `<p><span>text</span></p>`},
		{"plain text wrapped", "Just text.", "", "<p>Just text.</p>"},
		{"bare less-than escaped", "a < b & c", "", "<p>a &lt; b &amp; c</p>"},
		{"entities kept valid", "Fish &amp; chips &eacute;t&eacute; &lt;tag&gt; &#8220;q&#8221;", "", "<p>Fish &amp; chips été &lt;tag&gt; “q”</p>"},
		{"empty summary falls back to content", "", "<p>From content</p>", "<p>From content</p>"},
		{"blank summary falls back to content", "  <p> </p> ", "<p>From content</p>", "<p>From content</p>"},
		{"image-only summary falls back to content", `<img src="https://example.org/a.png">`, "<p>From content</p>", "<p>From content</p>"},
		{"summary wins over content", "<p>Summary</p>", "<p>Content</p>", "<p>Summary</p>"},
		{"nothing at all", "", "", ""},
		{"script only", "<script>alert(1)</script>", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := r.excerpt(c.summary, c.content); got != c.want {
				t.Errorf("excerpt(%q, %q)\n got %q\nwant %q", c.summary, c.content, got, c.want)
			}
		})
	}
}

// words returns n words separated by single spaces: "w0 w1 w2 ...".
func words(prefix string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = prefix + strings.Repeat("x", i%7)
	}
	return strings.Join(parts, " ")
}

func TestExcerptCutsLongText(t *testing.T) {
	r := NewRenderer(testBase)
	long := words("word", 300)
	paragraphs := strings.Repeat("<p>First sentence.</p><p>Second one<br>after a break.</p>", 20)
	for _, c := range []struct {
		name, summary, content string
		// source is the plain text the excerpt must be a prefix of.
		source string
	}{
		{"long summary", "<p>" + long + "</p>", "", long},
		{"long content without summary", "", "<div>" + long + "</div>", long},
		{"paragraphs and breaks keep words apart", paragraphs, "",
			strings.TrimSpace(strings.Repeat("First sentence. Second one after a break. ", 20))},
		{"entities decoded then escaped", strings.Repeat("Q&amp;A &lt;b&gt; ", 80), "", strings.TrimSpace(strings.Repeat("Q&A <b> ", 80))},
		{"multibyte", strings.Repeat("café été ", 100), "", strings.TrimSpace(strings.Repeat("café été ", 100))},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := r.excerpt(c.summary, c.content)
			inner, ok := strings.CutPrefix(got, "<p>")
			inner, ok2 := strings.CutSuffix(inner, "…</p>")
			if !ok || !ok2 {
				t.Fatalf("excerpt %q is not <p>…</p>", got)
			}
			if strings.ContainsAny(inner, "<>") {
				t.Errorf("excerpt keeps markup: %q", inner)
			}
			text := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'", "&#34;", `"`).Replace(inner)
			if n := utf8.RuneCountInString(text) + 1; n > MaxExcerpt {
				t.Errorf("excerpt is %d characters, want at most %d", n, MaxExcerpt)
			}
			if n := utf8.RuneCountInString(text); n < MaxExcerpt/2 {
				t.Errorf("excerpt is only %d characters", n)
			}
			if !strings.HasPrefix(c.source, text) {
				t.Fatalf("excerpt %q is not a prefix of the text", text)
			}
			if next := c.source[len(text):]; !strings.HasPrefix(strings.TrimLeft(next, ".,;:"), " ") {
				t.Errorf("excerpt cut inside a word: …%q|%q…", text[len(text)-10:], next[:10])
			}
		})
	}
}

func TestCutAtWord(t *testing.T) {
	for _, c := range []struct {
		name, text string
		max        int
		want       string
	}{
		{"short unchanged", "one two", 10, "one two"},
		{"exactly max unchanged", "one two", 7, "one two"},
		{"cut at space", "one two three", 10, "one two…"},
		{"space right at the cut", "one two three", 9, "one two…"},
		{"trailing punctuation trimmed", "one, two, three", 10, "one, two…"},
		{"no space: hard cut", "abcdefghijklmnop", 8, "abcdefg…"},
		{"space too early: hard cut", "a bcdefghijklmnop", 8, "a bcdef…"},
		{"runes, not bytes", "ééé ééé ééé", 9, "ééé ééé…"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := cutAtWord(c.text, c.max)
			if got != c.want {
				t.Errorf("cutAtWord(%q, %d) = %q, want %q", c.text, c.max, got, c.want)
			}
			if n := utf8.RuneCountInString(got); n > c.max {
				t.Errorf("%d characters, more than %d", n, c.max)
			}
		})
	}
}

func TestNoteContent(t *testing.T) {
	r := NewRenderer(testBase)
	for _, c := range []struct {
		name    string
		item    Item
		want    string
		wantURL string
	}{
		{"title escaped", Item{Title: `Tom & Jerry <3 "cats"`, Link: "https://example.org/a"},
			`<p><a href="https://example.org/a">Tom &amp; Jerry &lt;3 &#34;cats&#34;</a></p>`, "https://example.org/a"},
		{"link escaped in href", Item{Title: "T", Link: `https://example.org/?a=1&b="2"`},
			`<p><a href="https://example.org/?a=1&amp;b=%222%22">T</a></p>`, `https://example.org/?a=1&b=%222%22`},
		{"no link: title as text, no url", Item{Title: "Only <title>", Summary: "Body"},
			"<p>Only &lt;title&gt;</p><p>Body</p>", ""},
		{"no title: the link is the text", Item{Link: "https://example.org/a", Summary: "Body"},
			`<p><a href="https://example.org/a">https://example.org/a</a></p><p>Body</p>`, "https://example.org/a"},
		{"neither title nor link: no empty paragraph", Item{Summary: "Body"}, "<p>Body</p>", ""},
		{"javascript link dropped", Item{Title: "T", Link: "javascript:alert(1)"}, "<p>T</p>", ""},
		{"relative link dropped", Item{Title: "T", Link: "/2024/a"}, "<p>T</p>", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.item.Key = "k"
			doc, err := r.Note(testHandle, c.item, testPublished, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			n := fields(t, doc)
			wantField(t, n, c.want, "content")
			if c.wantURL == "" {
				wantAbsent(t, n, "url")
			} else {
				wantField(t, n, c.wantURL, "url")
			}
			wantAbsent(t, n, "name", "summary")
		})
	}
}

func TestPrimaryLanguage(t *testing.T) {
	for tag, want := range map[string]string{
		"": "", "en": "en", "nl-NL": "nl", "EN-us": "en", " de ": "de", "en_US": "en",
		"fil-PH": "fil", "x": "", "english": "", "12": "", "e1-US": "",
	} {
		if got := primaryLanguage(tag); got != want {
			t.Errorf("primaryLanguage(%q) = %q, want %q", tag, got, want)
		}
	}
}
