package feeds

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// TestFetchRedirects: MovedTo is set only when every hop was permanent.
func TestFetchRedirects(t *testing.T) {
	feed := readTestdata(t, "rss2.xml")
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(feed) })
	mux.HandleFunc("/301", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/308", http.StatusMovedPermanently) })
	mux.HandleFunc("/308", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/feed", http.StatusPermanentRedirect)
	})
	mux.HandleFunc("/302", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/feed", http.StatusFound) })
	mux.HandleFunc("/301-302", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/302", http.StatusMovedPermanently) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := &Fetcher{Client: srv.Client()}
	for _, c := range []struct{ path, moved string }{
		{"/feed", ""}, {"/301", "/feed"}, {"/308", "/feed"}, {"/302", ""}, {"/301-302", ""},
	} {
		t.Run(c.path, func(t *testing.T) {
			res, err := f.Fetch(t.Context(), srv.URL+c.path, Validators{})
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			if c.moved != "" {
				want = srv.URL + c.moved
			}
			if res.MovedTo != want || res.URL != srv.URL+"/feed" {
				t.Errorf("MovedTo %q URL %q, want %q", res.MovedTo, res.URL, want)
			}
		})
	}
}

// TestFetchGzipBomb: a small gzip body that inflates past the limit is
// refused after decompression.
func TestFetchGzipBomb(t *testing.T) {
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	_, _ = zw.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>`))
	_, _ = zw.Write(make([]byte, 11<<20))
	_ = zw.Close()
	if bomb.Len() > 100<<10 {
		t.Fatalf("bomb is %d bytes compressed", bomb.Len())
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(bomb.Bytes())
	}))
	defer srv.Close()
	_, err := (&Fetcher{Client: srv.Client()}).Fetch(t.Context(), srv.URL, Validators{})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

// TestParseCharsets: ISO-8859-1 and Windows-1252 feeds are decoded, and
// typographic entities inside CDATA too.
func TestParseCharsets(t *testing.T) {
	for _, c := range []struct {
		name, charset string
		title         []byte
		want          string
	}{
		{"iso-8859-1", "ISO-8859-1", []byte("Caf\xe9 cr\xe8me"), "Café crème"},
		{"windows-1252", "windows-1252", []byte("\x93Quoted\x94 \x80 5"), "“Quoted” € 5"},
		{"cdata entities", "UTF-8", []byte("<![CDATA[Dijken &#038; duinen: &#8216;samen&#8217; &#8230;]]>"), "Dijken & duinen: ‘samen’ …"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := []byte(`<?xml version="1.0" encoding="` + c.charset + `"?><rss version="2.0"><channel><title>t</title><item><title>`)
			doc = append(doc, c.title...)
			doc = append(doc, []byte(`</title><guid>g1</guid></item></channel></rss>`)...)
			f, err := Parse(doc, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Items[0].Title; got != c.want {
				t.Errorf("title %q, want %q", got, c.want)
			}
		})
	}
}

// TestParseProblems: odd but usable feeds say what is odd.
func TestParseProblems(t *testing.T) {
	const head = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>`
	for _, c := range []struct {
		name, items string
		want        []string
	}{
		{"fine", `<item><title>a</title><link>http://x/a</link><guid>a</guid><pubDate>Thu, 26 Nov 2026 01:33:34 +0000</pubDate></item>`, nil},
		{"empty", ``, []string{"the feed has no items"}},
		{"duplicate guids", `<item><title>a</title><link>http://x/a</link><guid>a</guid><pubDate>Thu, 26 Nov 2026 01:33:34 +0000</pubDate></item>` +
			`<item><title>b</title><link>http://x/b</link><guid>a</guid><pubDate>Thu, 26 Nov 2026 01:33:35 +0000</pubDate></item>`,
			[]string{"1 of 2 items repeat the guid of another item (only the first is used)"}},
		{"no link, no date", `<item><title>a</title><guid isPermaLink="false">a</guid></item>`,
			[]string{"1 of 1 items have no link", "1 of 1 items have no date (the time Herald first saw them is used)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse([]byte(head+c.items+`</channel></rss>`), "")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(f.Problems, c.want) {
				t.Errorf("Problems = %q, want %q", f.Problems, c.want)
			}
		})
	}
}
