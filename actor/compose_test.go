package actor

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCompose formats plain text as Mastodon's TextFormatter does.
func TestCompose(t *testing.T) {
	r := NewRenderer(testBase)
	alice := Mentioned{ID: testAlice, URL: "https://mastodon.example/@alice", Username: "alice", Acct: "alice@mastodon.example"}
	local := Mentioned{ID: testBase + "/users/weather", Username: "weather", Acct: "weather@news.example.org"}
	found := map[string]Mentioned{"alice@mastodon.example": alice, "weather": local}
	for _, tt := range []struct {
		name, text, want string
		mentions         []string
		tags             []string
	}{
		{"empty", "  \n ", "", nil, nil},
		{"escaped, paragraphs and line breaks", "a < b & \"c\"\nnext line\n\n\nsecond <p>",
			"<p>a &lt; b &amp; &#34;c&#34;<br />next line</p><p>second &lt;p&gt;</p>", nil, nil},
		{"mention found", "@alice@mastodon.example bedankt!",
			`<p><span class="h-card" translate="no"><a href="https://mastodon.example/@alice" class="u-url mention">@<span>alice</span></a></span> bedankt!</p>`,
			[]string{testAlice}, nil},
		{"mention case and repeat", "@Alice@Mastodon.example and @alice@mastodon.example",
			`<p><span class="h-card" translate="no"><a href="https://mastodon.example/@alice" class="u-url mention">@<span>alice</span></a></span> and ` +
				`<span class="h-card" translate="no"><a href="https://mastodon.example/@alice" class="u-url mention">@<span>alice</span></a></span></p>`,
			[]string{testAlice}, nil},
		{"local mention links the actor", "Zie @weather.", `<p>Zie <span class="h-card" translate="no"><a href="https://news.example.org/users/weather" class="u-url mention">@<span>weather</span></a></span>.</p>`,
			[]string{local.ID}, nil},
		{"mention not found stays text, e-mail is no mention", "@nobody@else.example mail me@example.org",
			"<p>@nobody@else.example mail me@example.org</p>", nil, nil},
		{"hashtags", "#Storm op de #Noordzee, niet #123 of a#b",
			`<p><a href="https://news.example.org/tags/storm" class="mention hashtag" rel="tag">#<span>Storm</span></a> op de ` +
				`<a href="https://news.example.org/tags/noordzee" class="mention hashtag" rel="tag">#<span>Noordzee</span></a>, niet #123 of a#b</p>`,
			nil, []string{"Storm", "Noordzee"}},
		{"link, trailing punctuation", "Lees https://example.org/a-very-long-path/to/an/article?x=1#top.",
			`<p>Lees <a href="https://example.org/a-very-long-path/to/an/article?x=1#top" target="_blank" rel="nofollow noopener noreferrer">` +
				`<span class="invisible">https://</span><span class="ellipsis">example.org/a-very-long-path/t</span><span class="invisible">o/an/article?x=1#top</span></a>.</p>`,
			nil, nil},
		{"link in brackets keeps its own", "(zie https://example.org/wiki/Dijk_(Zeeland))",
			`<p>(zie <a href="https://example.org/wiki/Dijk_(Zeeland)" target="_blank" rel="nofollow noopener noreferrer">` +
				`<span class="invisible">https://</span><span class="ellipsis">example.org/wiki/Dijk_(Zeeland</span><span class="invisible">)</span></a>)</p>`,
			nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := r.Compose(tt.text, found)
			if c.HTML != tt.want {
				t.Errorf("HTML\n got %s\nwant %s", c.HTML, tt.want)
			}
			var ids []string
			for _, m := range c.Mentions {
				ids = append(ids, m.ID)
			}
			if !slices.Equal(ids, tt.mentions) || !slices.Equal(c.Hashtags, tt.tags) {
				t.Errorf("mentions %v, hashtags %v; want %v, %v", ids, c.Hashtags, tt.mentions, tt.tags)
			}
		})
	}
}

func TestMentionsIn(t *testing.T) {
	got := MentionsIn("@alice@mastodon.example, @Alice@mastodon.example @bob @carol@127.0.0.1:8080 x@y.org https://m.example/@dave (@erin)")
	want := []string{"alice@mastodon.example", "bob", "carol@127.0.0.1:8080", "erin"}
	if !slices.Equal(got, want) {
		t.Errorf("MentionsIn = %v, want %v", got, want)
	}
}

// TestStatusLength counts as Mastodon's StatusLengthValidator: a URL is 23
// characters, a mention its username.
func TestStatusLength(t *testing.T) {
	for text, want := range map[string]int{
		"":                           0,
		"héllo":                      5,
		"@alice@mastodon.example hi": 9,
		"see https://example.org/" + strings.Repeat("x", 100): 27,
		"#tag": 4,
	} {
		if got := StatusLength(text); got != want {
			t.Errorf("StatusLength(%q) = %d, want %d", text, got, want)
		}
	}
}

// statuses renders posts written in apps: a public reply with a mention
// and a hashtag, its Create and Delete, and a direct message with its
// Create and Delete.
func (g *goldenDocs) statuses() {
	r := g.r
	alice := Mentioned{ID: testAlice, URL: "https://mastodon.example/@alice", Username: "alice", Acct: "alice@mastodon.example"}
	found := map[string]Mentioned{"alice@mastodon.example": alice}
	at := time.Date(2024, 5, 2, 9, 30, 0, 0, time.UTC)
	for _, v := range []string{Public, Direct} {
		to, cc := r.Audience(testHandle, v, []string{testAlice})
		s := Status{ID: r.StatusID(testHandle, 7335321371721728001), Text: r.Compose("@alice@mastodon.example Dank voor je vraag! #Storm", found),
			Language: "nl", InReplyTo: "https://mastodon.example/users/alice/statuses/112233", To: to, CC: cc, Published: at}
		if v == Direct {
			s.Summary = "Persoonlijk"
		}
		note, err := r.StatusNote(testHandle, s)
		g.add("status_"+v, note, err)
		_, doc, err := r.StatusCreate(testHandle, note, s)
		g.add("status_"+v+"_create", doc, err)
		_, doc, err = r.StatusDelete(testHandle, s.ID, to, cc, at.Add(time.Hour))
		g.add("status_"+v+"_delete", doc, err)
	}
}

// TestAudience: the addressing of each visibility; direct names no
// collection.
func TestAudience(t *testing.T) {
	r := NewRenderer(testBase)
	followers := r.Followers(testHandle)
	for _, tt := range []struct {
		visibility string
		to, cc     []string
	}{
		{Public, []string{PublicAudience}, []string{followers, testAlice}},
		{Unlisted, []string{followers}, []string{PublicAudience, testAlice}},
		{Direct, []string{testAlice}, []string{}},
	} {
		to, cc := r.Audience(testHandle, tt.visibility, []string{testAlice})
		if !slices.Equal(to, tt.to) || !slices.Equal(cc, tt.cc) {
			t.Errorf("%s: to %v cc %v; want %v, %v", tt.visibility, to, cc, tt.to, tt.cc)
		}
	}
}
