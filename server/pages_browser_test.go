package server_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	pngenc "image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/actor"
	"herald/apptest"
	"herald/apptest/browser"
	"herald/config"
)

// audit is what the browser reads of a page for the checks of
// TestPublicPagesInBrowser, computed by auditJS.
type audit struct {
	Lang         string   `json:"lang"`
	H1           int      `json:"h1"`
	HeadingSkips []string `json:"headingSkips"` // headings that skip a level
	EmptyLinks   []string `json:"emptyLinks"`   // links without text
	Scripts      int      `json:"scripts"`
	ImagesNoAlt  int      `json:"imagesNoAlt"`
	TextContrast float64  `json:"textContrast"` // body text on the background
	LinkContrast float64  `json:"linkContrast"` // the first link on the background
	Text         string   `json:"text"`
}

// auditJS computes an audit of the page, with WCAG 2.x contrast ratios.
const auditJS = `(() => {
` + browser.AuditPrelude + `  const link = document.querySelector("main a") || document.querySelector("a");
  return { lang: document.documentElement.lang, h1: document.querySelectorAll("h1").length, headingSkips: skips,
    emptyLinks: [...document.querySelectorAll("a")].filter(a => !a.textContent.trim()).map(a => a.href),
    scripts: document.scripts.length, imagesNoAlt: document.querySelectorAll("img:not([alt])").length,
    textContrast: ratio(getComputedStyle(document.body).color, bg),
    linkContrast: ratio(getComputedStyle(link).color, bg), text: document.body.innerText };
})()`

// englishLinks are the footer's links on a page in English.
var englishLinks = []string{"Privacy policy", "Minimum age policy", "About this server"}

// TestPublicPagesInBrowser loads the server page, both policies, an
// account's page and a post's page in English (a feed that names no
// language) and an account's page in Dutch (language nl) in a real
// headless Chromium, checks their content and basic accessibility (lang,
// one h1, headings in order, link texts, no scripts, WCAG AA contrast)
// and saves screenshots to artifacts/public-*.png.
func TestPublicPagesInBrowser(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	fixture := apptest.Fixture(t, "1-published.feed.rss.xml")
	feed := apptest.NewFeedServer(t, bytes.Replace(fixture, []byte("<language>nl-NL</language>"), nil, 1))
	nieuws := apptest.NewFeedServer(t, fixture)
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL},
		config.Feed{Handle: "nieuws", URL: nieuws.URL, Posts: config.Posts{Language: "nl"}, Profile: config.Profile{
			Header: bannerServer(t) + "/banner.png", Fields: []config.ProfileField{{Name: "Contact", Value: "http://127.0.0.1:8081/contact"}},
			Featured: []string{"http://127.0.0.1:8081/2026/11/26/hallo-wereld/"}}})
	cfg.Operator = config.Operator{Name: "Ministerie van Voorbeeldzaken", Contact: "privacy@example.org"}
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first polls", func() bool {
		a, _ := h.Store().FeedState("news")
		b, _ := h.Store().FeedState("nieuws")
		return a.Initialised && b.Initialised
	})

	browserCtx := browser.Start(ctx, t, 1000, 1200)
	for _, page := range []struct {
		path, shot, lang string
		want             []string
	}{
		{"/about", "public-about.png", "en", append([]string{"@news@" + cfg.Host()}, englishLinks...)},
		{"/about/privacy", "public-privacy.png", "en", append([]string{"herald remote erase"}, englishLinks...)},
		{"/about/minimum-age", "public-minimum-age.png", "en", append([]string{"under 13"}, englishLinks...)},
		{"/users/news", "public-profile.png", "en", append([]string{"Kabinet investeert € 5 miljoen in waterveiligheid", "Follow"}, englishLinks...)},
		{strings.TrimPrefix(actor.URLs{Base: cfg.BaseURL}.Object("news", "http://127.0.0.1:8081/?p=4"), cfg.BaseURL),
			"public-post.png", "en", append([]string{"0 boosts"}, englishLinks...)},
		{"/users/nieuws", "public-profile-nl.png", "nl", []string{"Kabinet investeert € 5 miljoen in waterveiligheid", "Contact",
			"Volg vanaf je eigen server", "Volgen", "Vastgezet", "Berichten", "Privacyverklaring", "Beleid minimumleeftijd", "Over deze server"}},
	} {
		t.Run(page.path, func(t *testing.T) {
			if err := chromedp.Do(browserCtx, chromedp.Navigate(cfg.BaseURL+page.path), chromedp.WaitVisible(`footer`)); err != nil {
				t.Fatal(err)
			}
			a, err := chromedp.Run(browserCtx, chromedp.Evaluate[audit](auditJS))
			if err != nil {
				t.Fatal(err)
			}
			checkAudit(t, a, page.lang, page.want)
			shot, err := chromedp.Run(browserCtx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			browser.SaveScreenshot(t, page.shot, shot)
		})
	}
}

// checkAudit fails for each accessibility check a does not pass (lang
// being the page's language) and for each of want the page's text lacks.
func checkAudit(t *testing.T, a audit, lang string, want []string) {
	t.Helper()
	if a.Lang != lang || a.H1 != 1 || len(a.HeadingSkips) > 0 || len(a.EmptyLinks) > 0 || a.Scripts > 0 || a.ImagesNoAlt > 0 {
		t.Errorf("accessibility: lang %q, %d h1, headings skipping a level %q, links without text %q, %d scripts, %d images without alt",
			a.Lang, a.H1, a.HeadingSkips, a.EmptyLinks, a.Scripts, a.ImagesNoAlt)
	}
	if a.TextContrast < 4.5 || a.LinkContrast < 4.5 { // WCAG 2.x AA, normal text
		t.Errorf("contrast: text %.1f:1, links %.1f:1, want at least 4.5:1", a.TextContrast, a.LinkContrast)
	}
	for _, w := range want {
		if !strings.Contains(a.Text, w) {
			t.Errorf("page text lacks %q", w)
		}
	}
}

// bannerServer serves a banner image, a blue gradient, at /banner.png and
// returns its base URL.
func bannerServer(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 900, 200))
	for x := range 900 {
		for y := range 200 {
			img.Set(x, y, color.RGBA{R: 26, G: uint8(60 + x/10), B: uint8(140 + y/4), A: 255})
		}
	}
	var png bytes.Buffer
	if err := pngenc.Encode(&png, img); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(png.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
