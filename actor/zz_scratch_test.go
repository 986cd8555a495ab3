package actor

import (
	"fmt"
	"testing"
	"time"

	"github.com/microcosm-cc/bluemonday"
)

func TestScratch(t *testing.T) {
	u := NewRenderer("https://news.example.org")
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"q\"uo\\te\nnl\ttab\x01ctl\u2028ls é 日本", "bad\xffutf8", "<p>a.</p><p>b</p>"} {
		n, err := u.Note("news", Item{Key: "k", Title: s, Summary: s, Link: "https://e/x"}, t0, time.Time{})
		fmt.Println(string(n), err)
		d, err := u.ActorDocument(Profile{Handle: "news", Name: s, Summary: s})
		fmt.Println(string(d), err)
	}
	s := bluemonday.StrictPolicy()
	fmt.Printf("%q\n", s.Sanitize("<p>a.</p><p>b</p>line<br>two<li>x</li><li>y</li> &nbsp;&amp; &lt;script&gt; <script>alert(1)</script><style>x{}</style><iframe>inner</iframe>"))
	p := newPolicy()
	fmt.Printf("%q\n", p.Sanitize(`<a href="javascript:alert(1)">js</a> <a href="/rel">rel</a> <a href="https://x/y" onclick="e()">ok</a><img src="https://x/i.png" alt="alt"><iframe src="https://x">in</iframe><p onclick="x">p</p>&nbsp;&eacute;`))
}
