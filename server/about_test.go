package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"herald/apptest"
	"herald/config"
)

// getPage fetches url and returns its status, content type and body.
func getPage(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if csp := resp.Header.Get("Content-Security-Policy"); resp.StatusCode == http.StatusOK &&
		strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("%s: Content-Security-Policy %q", url, csp)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

// wantAll fails for each of wants that body lacks.
func wantAll(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// TestServerPages: the server page names the operator, its contact and
// the accounts; the default privacy policy names every kind of data the
// store keeps and how to have it exported or erased; both policies are
// linked from every public page, the hashtag page included, and named in
// NodeInfo.
func TestServerPages(t *testing.T) {
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL,
		Profile: config.Profile{ShowFollowers: true}})
	cfg.Operator = config.Operator{Name: "Ministerie van Voorbeeldzaken", Contact: "privacy@example.org"}
	h := apptest.Start(t, cfg, nil)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool { st, _ := h.Store().FeedState("news"); return st.Initialised })
	footer := []string{`href="/about"`, `href="/about/privacy"`, `href="/about/minimum-age"`}

	status, ctype, body := getPage(t, cfg.BaseURL+"/about")
	if status != http.StatusOK || ctype != "text/html; charset=utf-8" {
		t.Fatalf("/about: HTTP %d %s", status, ctype)
	}
	wantAll(t, "/about", body, append(footer, `<html lang="en">`, "Ministerie van Voorbeeldzaken",
		`href="mailto:privacy@example.org"`, "@news@"+cfg.Host(), `href="`+cfg.BaseURL+`/users/news"`)...)

	_, _, body = getPage(t, cfg.BaseURL+"/about/privacy")
	wantAll(t, "/about/privacy", body, append(footer,
		"actor id", "your inbox", "shared inbox", "public key", "24 hours", // followers, actor cache
		"like, boost or reply", "its text", "Reports", "Flag", // interactions, reports
		"queued", "inbox address", "number of followers of each account per day", "update notification",
		"IP address", "logs what it does", "cookie", "@news@"+cfg.Host(), // logs, rate limits; show_followers
		"Staff sign-ins", "hash of its password", "audit log", "anti-forgery token", // the client API's users
		"herald remote export", "herald remote erase", "privacy@example.org", "account was deleted")...)

	_, _, body = getPage(t, cfg.BaseURL+"/about/minimum-age")
	wantAll(t, "/about/minimum-age", body, append(footer, "under 13", "no accounts for individuals")...)

	_, _, body = getPage(t, cfg.BaseURL+"/tags/persberichten")
	wantAll(t, "/tags/persberichten", body, footer...)

	if status, ctype, _ := getPage(t, cfg.BaseURL+"/about/style.css"); status != http.StatusOK || !strings.HasPrefix(ctype, "text/css") {
		t.Errorf("/about/style.css: HTTP %d %s", status, ctype)
	}

	_, _, body = getPage(t, cfg.BaseURL+"/nodeinfo/2.1")
	var nodeinfo struct{ Metadata map[string]any }
	if err := json.Unmarshal([]byte(body), &nodeinfo); err != nil {
		t.Fatalf("nodeinfo: %v", err)
	}
	meta := nodeinfo.Metadata
	if meta["privacyPolicyUrl"] != cfg.BaseURL+"/about/privacy" || meta["minimumAgePolicyUrl"] != cfg.BaseURL+"/about/minimum-age" ||
		meta["nodeName"] != "Ministerie van Voorbeeldzaken" {
		t.Errorf("nodeinfo metadata: %v", meta)
	}
}

// TestOperatorPolicies: the operator's policy files replace the default
// texts, escaped, in the configured language, which the server page's
// wording follows.
func TestOperatorPolicies(t *testing.T) {
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	dir := t.TempDir()
	privacy, age := filepath.Join(dir, "privacy.md"), filepath.Join(dir, "age.txt")
	if os.WriteFile(privacy, []byte("# Onze privacyverklaring\n\nWij bewaren weinig. <script>alert(1)</script>\n"), 0o600) != nil ||
		os.WriteFile(age, []byte("Alleen voor organisaties."), 0o600) != nil {
		t.Fatal("write policy files")
	}
	cfg.Operator = config.Operator{Language: "nl", Contact: "https://example.org/contact",
		PrivacyPolicyFile: privacy, MinimumAgePolicyFile: age}
	cfg.SignedFetch = config.SignedFetchWhenRequired // Validate reads the files; apptest.Config leaves the defaults unset
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	apptest.Start(t, cfg, nil)

	_, _, body := getPage(t, cfg.BaseURL+"/about/privacy")
	wantAll(t, "/about/privacy", body, `<html lang="nl">`, "<h2>Onze privacyverklaring</h2>",
		"<p>Wij bewaren weinig. &lt;script&gt;", `href="/about/minimum-age"`)
	if strings.Contains(body, "herald remote export") || strings.Contains(body, "<script>") {
		t.Errorf("/about/privacy shows the default text or unescaped markup:\n%s", body)
	}
	_, _, body = getPage(t, cfg.BaseURL+"/about/minimum-age")
	wantAll(t, "/about/minimum-age", body, "<p>Alleen voor organisaties.</p>")
	if strings.Contains(body, "under 13") {
		t.Errorf("/about/minimum-age shows the default text")
	}
	_, _, body = getPage(t, cfg.BaseURL+"/about")
	wantAll(t, "/about", body, `href="https://example.org/contact"`, "<h1>Over "+cfg.Host()+"</h1>",
		"Deze server wordt beheerd door de beheerder van "+cfg.Host()+".")
}
