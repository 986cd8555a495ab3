package clientapi

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
)

// Where the pictures of an account without avatar or header are served,
// at the paths Mastodon uses for its own: clients expect an image URL.
const (
	missingAvatar = "/avatars/original/missing.png"
	missingHeader = "/headers/original/missing.png"
)

// images holds the two pictures, drawn once.
type images struct{ avatar, header []byte }

func newImages() images {
	return images{avatar: plainPNG(120, 120, color.RGBA{R: 0x5b, G: 0x6b, B: 0x7c, A: 0xff}), header: plainPNG(1, 1, color.RGBA{})}
}

// plainPNG is a w×h image in one colour.
func plainPNG(w, h int, c color.RGBA) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // cannot fail on an in-memory RGBA image
	return buf.Bytes()
}

func (i images) serveAvatar(w http.ResponseWriter, _ *http.Request) { servePNG(w, i.avatar) }

func (i images) serveHeader(w http.ResponseWriter, _ *http.Request) { servePNG(w, i.header) }

func servePNG(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "max-age=86400")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(b)
}
