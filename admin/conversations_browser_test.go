package admin_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"herald/apptest"
	"herald/apptest/browser"
	"herald/fedtest"
)

// conversationsAudit is what the browser reads of the conversations page.
type conversationsAudit struct {
	Lang         string   `json:"lang"`
	H1           int      `json:"h1"`
	HeadingSkips []string `json:"headingSkips"`
	Unlabelled   []string `json:"unlabelled"` // fields without a label
	Scripts      int      `json:"scripts"`
	// Contrast ratios on the background: the text, the hints, the
	// Private badge and the buttons.
	TextContrast   float64 `json:"textContrast"`
	HintContrast   float64 `json:"hintContrast"`
	BadgeContrast  float64 `json:"badgeContrast"`
	ButtonContrast float64 `json:"buttonContrast"`
}

// conversationsAuditJS computes a conversationsAudit, with WCAG 2.x
// contrast ratios.
const conversationsAuditJS = `(() => {
` + browser.AuditPrelude + `  const fields = [...document.querySelectorAll("input:not([type=hidden]), textarea, select")];
  const button = document.querySelector("article button");
  const buttonBg = getComputedStyle(button).backgroundColor;
  const color = sel => getComputedStyle(document.querySelector(sel)).color;
  return { lang: document.documentElement.lang, h1: document.querySelectorAll("h1").length, headingSkips: skips,
    unlabelled: fields.filter(f => f.labels.length === 0).map(f => f.id || f.name), scripts: document.scripts.length,
    textContrast: ratio(getComputedStyle(document.body).color, bg), hintContrast: ratio(color(".hint"), bg),
    badgeContrast: ratio(color(".badge"), bg),
    buttonContrast: ratio(getComputedStyle(button).color, buttonBg.startsWith("rgba(0, 0, 0, 0)") ? bg : buttonBg) };
})()`

// TestConversationsInBrowser signs in to the statistics pages in a real
// headless Chromium as news's publisher, opens the account's
// conversations from the overview, checks the page's accessibility basics
// (lang, one h1, headings in order, every field labelled, no script, WCAG
// AA contrast), answers the citizen's public reply by typing in its form,
// and checks that the answer reached her server, signed, in reply to her
// post, and shows in the thread after the redirect; it saves a
// screenshot to artifacts/dashboard-conversations.png.
func TestConversationsInBrowser(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	browserCtx := browser.Start(ctx, t, 1000, 1600)
	c := startConversations(ctx, t, nil)
	a := openConversations(browserCtx, t, c.base)
	if a.Lang != "en" || a.H1 != 1 || len(a.HeadingSkips) > 0 || len(a.Unlabelled) > 0 || a.Scripts > 0 {
		t.Errorf("accessibility: lang %q, %d h1, heading skips %q, unlabelled fields %q, %d scripts", a.Lang, a.H1, a.HeadingSkips, a.Unlabelled, a.Scripts)
	}
	if a.TextContrast < 4.5 || a.HintContrast < 4.5 || a.BadgeContrast < 4.5 || a.ButtonContrast < 4.5 {
		t.Errorf("contrast: text %.1f:1, hint %.1f:1, badge %.1f:1, button %.1f:1, want at least 4.5:1",
			a.TextContrast, a.HintContrast, a.BadgeContrast, a.ButtonContrast)
	}
	notice, thread := answerInBrowser(browserCtx, t, c.asked["public"], "Dank u! De dijken zijn in 2027 klaar.")
	if !strings.Contains(notice, "Your answer to @alice@"+c.peer.Host()+" was sent") {
		t.Errorf("confirmation %q", notice)
	}
	if !strings.Contains(thread, "Answered already") || !strings.Contains(thread, "@alice Dank u! De dijken zijn in 2027 klaar.") {
		t.Errorf("the thread after answering: %q", thread)
	}
	posts, err := c.Store().LocalStatuses("news")
	if err != nil || len(posts) != 1 || posts[0].Visibility != "public" {
		t.Fatalf("news posted %+v (%v), want one public answer", posts, err)
	}
	d, err := c.peer.WaitFor(ctx, func(d fedtest.Delivery) bool { return d.Type() == "Create" && d.Object()["id"] == posts[0].ObjectID })
	if err != nil || d.Problem != "" || d.Hidden != "" || d.Object()["inReplyTo"] != c.asked["public"] {
		t.Fatalf("the asker's server got %+v (%v), want the answer, verified and shown", d, err)
	}
	shot, err := chromedp.Run(browserCtx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	browser.SaveScreenshot(t, "dashboard-conversations.png", shot)
}

// openConversations signs in at base's /admin/ with the publisher's
// token, follows the overview's link to news's conversations and audits
// the page.
func openConversations(browserCtx context.Context, t *testing.T, base string) conversationsAudit {
	t.Helper()
	err := chromedp.Do(browserCtx, chromedp.Navigate(base+"/admin/"), chromedp.WaitVisible(`#token`),
		chromedp.SendKeys(`#token`, apptest.PublisherToken), chromedp.Submit(`#token`),
		chromedp.WaitVisible(`a[href="/admin/actors/news/conversations"]`), chromedp.Click(`a[href="/admin/actors/news/conversations"]`),
		chromedp.WaitVisible(`article.question`))
	if err != nil {
		t.Fatal(err)
	}
	a, err := chromedp.Run(browserCtx, chromedp.Evaluate[conversationsAudit](conversationsAuditJS))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// answerInBrowser types answer after the mention that the form of the
// conversation about objectID starts with, sends it, and returns the
// confirmation and the conversation's text on the page it leads to.
func answerInBrowser(browserCtx context.Context, t *testing.T, objectID, answer string) (notice, thread string) {
	t.Helper()
	find := `document.querySelector('a[href=` + strconv.Quote(objectID+"/page") + `]').closest("article").id`
	id, err := chromedp.Run(browserCtx, chromedp.Evaluate[string](find))
	if err != nil || id == "" {
		t.Fatalf("no conversation about %s (%v)", objectID, err)
	}
	// The caret goes after the mention, as a person clicking in the field puts it.
	err = chromedp.Do(browserCtx, chromedp.SendKeys("#"+id+"-text", kb.End+answer), chromedp.Click("#"+id+" button"),
		chromedp.WaitVisible(`.notice`), chromedp.WaitVisible("#"+id+" .answer-given"))
	if err != nil {
		t.Fatal(err)
	}
	if notice, err = chromedp.Run(browserCtx, chromedp.Text(`.notice`)); err != nil {
		t.Fatal(err)
	}
	if thread, err = chromedp.Run(browserCtx, chromedp.Text("#"+id)); err != nil {
		t.Fatal(err)
	}
	return notice, thread
}
