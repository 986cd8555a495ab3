package actor

import (
	"html"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MaxAttachments is the number of images a post carries: Mastodon keeps 4.
const MaxAttachments = 4

// MaxAltText is the longest alt text (an attachment's name) a post
// carries, in characters: Pixelfed drops a whole post with a longer one
// (app/Util/ActivityPub/Helpers.php verifyAttachments, "*.name" max:255,
// in the releases before its newest), and Mastodon keeps 1,500.
const MaxAltText = 255

// maxImageSide is the largest width or height a post declares for an
// image: Pixelfed's newest releases drop a whole post that declares more
// (verifyAttachments, "*.width" and "*.height" max:5000); a larger size is
// left out, and peers take it from the file.
const maxImageSide = 5000

// attachableTypes are the image types Mastodon and Pixelfed both accept
// (Pixelfed drops a post with an attachment of another type).
var attachableTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true}

// extensionTypes guesses an image's type from its file name.
var extensionTypes = map[string]string{".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".jpe": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml", ".avif": "image/avif"}

// liftMedia rewrites article HTML for fediverse posts: every <img> is
// removed and returned as an Image (Mastodon strips inline images; they
// travel as attachments), every <iframe> (a video player, a map) becomes a
// link to its source, titled by its title attribute. Input that does not
// tokenize is returned as far as it got; the result is sanitised later.
func liftMedia(src string) (string, []Image) {
	var out strings.Builder
	var images []Image
	z := xhtml.NewTokenizer(strings.NewReader(src))
	inFrame := false
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken { // io.EOF or a tokenizer error: stop there
			return out.String(), images
		}
		tok := z.Token()
		switch {
		case tok.DataAtom == atom.Img && (tt == xhtml.StartTagToken || tt == xhtml.SelfClosingTagToken):
			if img, ok := imageFromTag(tok); ok {
				images = append(images, img)
			}
			continue
		case tok.DataAtom == atom.Iframe && tt == xhtml.StartTagToken:
			inFrame = true
			out.WriteString(frameLink(tok))
			continue
		case tok.DataAtom == atom.Iframe && tt == xhtml.EndTagToken:
			inFrame = false
			continue
		case inFrame:
			continue
		}
		out.Write(z.Raw())
	}
}

func attr(tok xhtml.Token, name string) string {
	for _, a := range tok.Attr {
		if a.Key == name {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

// imageFromTag reads an <img>'s source, alt text and size.
func imageFromTag(tok xhtml.Token) (Image, bool) {
	src := httpURL(attr(tok, "src"))
	if src == "" {
		return Image{}, false
	}
	w, _ := strconv.Atoi(attr(tok, "width"))
	h, _ := strconv.Atoi(attr(tok, "height"))
	return Image{URL: src, Alt: attr(tok, "alt"), Width: max(w, 0), Height: max(h, 0)}, true
}

// frameLink is the paragraph-level link an iframe becomes.
func frameLink(tok xhtml.Token) string {
	src := httpURL(attr(tok, "src"))
	if src == "" {
		return ""
	}
	title := attr(tok, "title")
	if title == "" {
		title = src
	}
	return `<a href="` + html.EscapeString(src) + `">` + html.EscapeString(title) + `</a>`
}

// mediaType returns img's type, from its MediaType or else its file name
// extension, lowercased, "" if unknown.
func mediaType(img Image) string {
	if t := strings.ToLower(strings.TrimSpace(img.MediaType)); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return strings.TrimSpace(t)
	}
	u, err := url.Parse(img.URL)
	if err != nil {
		return ""
	}
	return extensionTypes[strings.ToLower(path.Ext(u.Path))]
}

// attachments returns the Image attachments of a post: images in order, the
// first of each URL, only attachable types, at most MaxAttachments.
func attachments(images []Image) []map[string]any {
	out := []map[string]any{}
	seen := map[string]bool{}
	for _, img := range images {
		u, typ := httpURL(img.URL), mediaType(img)
		if u == "" || seen[u] || !attachableTypes[typ] {
			continue
		}
		seen[u] = true
		a := map[string]any{"type": "Image", "mediaType": typ, "url": u}
		if alt := strings.TrimSpace(img.Alt); alt != "" {
			a["name"] = cutAlt(alt)
		}
		if img.Width > 0 && img.Height > 0 && img.Width <= maxImageSide && img.Height <= maxImageSide {
			a["width"], a["height"] = img.Width, img.Height
		}
		out = append(out, a)
		if len(out) == MaxAttachments {
			break
		}
	}
	return out
}

// cutAlt shortens alt text to MaxAltText characters, at a word when it
// can, with a closing "…".
func cutAlt(alt string) string {
	if utf8.RuneCountInString(alt) <= MaxAltText {
		return alt
	}
	if cut := cutAtWord(alt, MaxAltText); cut != "" {
		return cut
	}
	return string([]rune(alt)[:MaxAltText-1]) + "…"
}
