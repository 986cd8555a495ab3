// Package browser is test support for the tests that look at Herald's
// pages in a real headless Chromium (the statistics pages, the public
// pages): it finds and starts the browser and keeps the screenshots. It is
// apart from package apptest so that only those tests link chromedp.
package browser

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// Start starts Debian's headless Chromium with a window of width × height
// for the test, which ends it at cleanup, and returns the context to run
// chromedp actions in. CI installs Chromium (.ci/run), so there a missing
// browser fails the test; elsewhere the test is skipped with the reason.
func Start(ctx context.Context, t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	return browserCtx
}

// chromiumPath finds Debian's chromium, or fails (CI) or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH: .ci/run must install Debian's chromium package")
	}
	t.Skip("no chromium on PATH (apt-get install chromium to run the browser test)")
	return ""
}

// SaveScreenshot writes shot to artifacts/name at the repository's root
// (the test runs in a package directory one level below it).
func SaveScreenshot(t *testing.T, name string, shot []byte) {
	t.Helper()
	dir := filepath.Join("..", "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(shot))
}

// AuditPrelude is JavaScript for the start of a page audit run in the
// browser: rgb, lum and ratio compute WCAG 2.x contrast ratios of CSS
// colours, bg is the body's background, and skips lists the headings that
// skip a level.
const AuditPrelude = `  const rgb = c => c.match(/[\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const bg = getComputedStyle(document.body).backgroundColor;
  let last = 0; const skips = [];
  for (const h of document.querySelectorAll("h1,h2,h3,h4,h5,h6")) {
    const level = Number(h.tagName[1]); if (level > last + 1) skips.push(h.tagName + " " + h.textContent); last = level; }
`
