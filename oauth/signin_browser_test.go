package oauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"herald/apptest"
	"herald/apptest/browser"
)

// pageAudit is what the browser reads of the sign-in page.
type pageAudit struct {
	Lang           string   `json:"lang"`
	H1             int      `json:"h1"`
	HeadingSkips   []string `json:"headingSkips"`
	Unlabelled     []string `json:"unlabelled"` // inputs without a label
	EmptyButtons   int      `json:"emptyButtons"`
	Scripts        int      `json:"scripts"`
	TextContrast   float64  `json:"textContrast"`
	ButtonContrast float64  `json:"buttonContrast"`
	Text           string   `json:"text"`
}

// pageAuditJS computes a pageAudit, with WCAG 2.x contrast ratios.
const pageAuditJS = `(() => {
` + browser.AuditPrelude + `  const unlabelled = [...document.querySelectorAll("input:not([type=hidden])")].filter(i => i.labels.length === 0 && !i.getAttribute("aria-label")).map(i => i.name);
  const button = document.querySelector("button");
  const buttonBg = getComputedStyle(button).backgroundColor;
  return { lang: document.documentElement.lang, h1: document.querySelectorAll("h1").length, headingSkips: skips, unlabelled,
    emptyButtons: [...document.querySelectorAll("button")].filter(b => !b.textContent.trim()).length, scripts: document.scripts.length,
    textContrast: ratio(getComputedStyle(document.body).color, bg),
    buttonContrast: ratio(getComputedStyle(button).color, buttonBg.startsWith("rgba(0, 0, 0, 0)") ? bg : buttonBg),
    text: document.body.innerText };
})()`

// TestSignInPageInBrowser opens the sign-in page in a real headless
// Chromium, checks its accessibility basics (lang, one h1, headings in
// order, every field labelled, buttons with text, no scripts, WCAG AA
// contrast), saves a screenshot to artifacts/oauth-signin.png, then signs
// in by typing and clicking: the browser follows the redirect to the app
// with the code (the page's Content-Security-Policy allows that form
// target).
func TestSignInPageInBrowser(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	h := startWebcare(t)
	codes := make(chan string, 1)
	callback := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case codes <- r.URL.Query().Get("code"):
		default:
		}
		_, _ = w.Write([]byte(`<!doctype html><title>app</title><p id="signed-in">signed in</p>`))
	}))
	t.Cleanup(callback.Close)
	app := apptest.RegisterApp(t, h.base, callback.URL+"/callback", "read write follow push")

	browserCtx := browser.Start(ctx, t, 900, 1000)
	if err := chromedp.Do(browserCtx, chromedp.Navigate(h.base+"/oauth/authorize?"+authQuery(app, "read write", "").Encode()), chromedp.WaitVisible("#password")); err != nil {
		t.Fatal(err)
	}
	a, err := chromedp.Run(browserCtx, chromedp.Evaluate[pageAudit](pageAuditJS))
	if err != nil {
		t.Fatal(err)
	}
	if a.Lang != "en" || a.H1 != 1 || len(a.HeadingSkips) > 0 || len(a.Unlabelled) > 0 || a.EmptyButtons > 0 || a.Scripts > 0 {
		t.Errorf("accessibility: lang %q, %d h1, heading skips %q, unlabelled fields %q, %d empty buttons, %d scripts",
			a.Lang, a.H1, a.HeadingSkips, a.Unlabelled, a.EmptyButtons, a.Scripts)
	}
	if a.TextContrast < 4.5 || a.ButtonContrast < 4.5 {
		t.Errorf("contrast: text %.1f:1, button %.1f:1, want at least 4.5:1", a.TextContrast, a.ButtonContrast)
	}
	for _, want := range []string{"Sign in to Test app", "User name", "Password or admin token", "Authorize", "Deny"} {
		if !strings.Contains(a.Text, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
	shot, err := chromedp.Run(browserCtx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	browser.SaveScreenshot(t, "oauth-signin.png", shot)

	err = chromedp.Do(browserCtx, chromedp.SendKeys("#username", "alice"), chromedp.SendKeys("#password", h.password),
		chromedp.Click(`button[value="approve"]`), chromedp.WaitVisible(`#signed-in`))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-codes:
		if len(code) != 43 {
			t.Errorf("the app got code %q", code)
		}
	case <-ctx.Done():
		t.Fatal("the browser never reached the app with a code")
	}
}
