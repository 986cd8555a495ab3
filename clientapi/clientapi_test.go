package clientapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"herald/app"
	"herald/apptest"
	"herald/config"
)

// apiHerald is a Herald serving the WordPress fixture as news (five
// posts) and as weather (the same five), with alice signed in to news.
type apiHerald struct {
	*apptest.Herald
	base, password, token string
	app                   apptest.App
}

func startAPI(t *testing.T, tweak func(*config.Config)) *apiHerald {
	t.Helper()
	return startAPIWith(t, tweak, nil)
}

// startAPIWith is startAPI with options, if not nil, changing Herald's
// options (its clock).
func startAPIWith(t *testing.T, tweak func(*config.Config), options func(*app.Options)) *apiHerald {
	t.Helper()
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL}, config.Feed{Handle: "weather", URL: feed.URL + "/none"})
	cfg.Operator = config.Operator{Name: "Ministerie van Voorbeeldzaken", Contact: "webcare@example.org", Language: "nl"}
	if tweak != nil {
		tweak(cfg)
	}
	h := apptest.Start(t, cfg, options)
	apptest.Eventually(t, 5*time.Second, "first poll", func() bool {
		st, _ := h.Store().FeedState("news")
		return st.Initialised
	})
	a := &apiHerald{Herald: h, base: cfg.BaseURL, password: apptest.AddWebcareUser(t, h, "alice", "news")}
	a.app = apptest.RegisterApp(t, a.base, "https://app.example/callback", "read write follow push")
	a.token = apptest.SignInToken(t, a.base, a.app, "read write follow push", "alice", a.password)
	return a
}

// get GETs path with token ("" for none) and decodes the JSON answer
// into v (when not nil).
func (a *apiHerald) get(t *testing.T, path, token string, v any) *http.Response {
	t.Helper()
	resp, body := apptest.AdminGet(t, a.base+path, token)
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: HTTP %d, not JSON: %v: %s", path, resp.StatusCode, err, body)
		}
	}
	return resp
}

// wantError checks a Mastodon error answer: status and {"error": msg}.
func (a *apiHerald) wantError(t *testing.T, path, token string, status int, msg string) {
	t.Helper()
	var v map[string]any
	resp := a.get(t, path, token, &v)
	if resp.StatusCode != status || v["error"] != msg || len(v) != 1 {
		t.Errorf("GET %s: HTTP %d %v; want %d {\"error\": %q}", path, resp.StatusCode, v, status, msg)
	}
}

// TestInstance: both instance entities with Herald's data.
func TestInstance(t *testing.T) {
	a := startAPI(t, nil)
	var v2 map[string]any
	resp := a.get(t, "/api/v2/instance", "", &v2)
	host := strings.TrimPrefix(a.base, "http://")
	if resp.StatusCode != 200 || v2["domain"] != host || v2["title"] != "Ministerie van Voorbeeldzaken" ||
		!regexp.MustCompile(`^4\.3\.0 \(compatible; Herald test\)$`).MatchString(v2["version"].(string)) {
		t.Errorf("v2: HTTP %d %v", resp.StatusCode, v2)
	}
	if v2["api_versions"].(map[string]any)["mastodon"] != 2.0 || v2["registrations"].(map[string]any)["enabled"] != false ||
		v2["contact"].(map[string]any)["email"] != "webcare@example.org" || len(v2["rules"].([]any)) != 0 {
		t.Errorf("v2 api_versions, registrations, contact or rules: %v", v2)
	}
	statuses := v2["configuration"].(map[string]any)["statuses"].(map[string]any)
	if statuses["max_characters"] != 500.0 || v2["languages"].([]any)[0] != "nl" {
		t.Errorf("v2 configuration or languages: %v", v2)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "Link") {
		t.Errorf("CORS headers: %v", resp.Header)
	}
	var v1 map[string]any
	a.get(t, "/api/v1/instance", "", &v1)
	stats := v1["stats"].(map[string]any)
	if v1["uri"] != host || v1["registrations"] != false || stats["user_count"] != 2.0 || stats["status_count"] != 10.0 ||
		v1["urls"].(map[string]any)["streaming_api"] != "ws://"+host {
		t.Errorf("v1: %v", v1)
	}
}

// TestUnknownAndPreflight: unknown API paths answer Mastodon's 404 in
// JSON, whatever the method; OPTIONS is a CORS preflight.
func TestUnknownAndPreflight(t *testing.T) {
	a := startAPI(t, nil)
	a.wantError(t, "/api/v1/timelines/nothing", a.token, 404, "Record not found")
	resp, body := apptest.AdminDo(t, http.MethodDelete, a.base+"/api/v1/instance", "")
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("DELETE /api/v1/instance: HTTP %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodOptions, a.base+"/api/v1/accounts/verify_credentials", nil)
	req.Header.Set("Origin", "https://elk.zone")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Headers") != "authorization" {
		t.Errorf("preflight: HTTP %d %v", resp.StatusCode, resp.Header)
	}
}

// TestRateLimit: 300 requests per 5 minutes from one client address (or
// token), with Mastodon's X-RateLimit headers, then 429.
func TestRateLimit(t *testing.T) {
	a := startAPI(t, nil)
	get := func() *http.Response {
		req, _ := http.NewRequest(http.MethodGet, a.base+"/api/v1/accounts/lookup?acct=news", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.77")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := range 300 {
		if resp := get(); resp.StatusCode != 200 {
			t.Fatalf("request %d: HTTP %d", i+1, resp.StatusCode)
		}
	}
	resp := get()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("X-RateLimit-Limit") != "300" || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("request 301: HTTP %d %v", resp.StatusCode, resp.Header)
	}
	if resp := a.get(t, "/api/v1/accounts/lookup?acct=news", a.token, nil); resp.StatusCode != 200 {
		t.Errorf("a token has its own budget: HTTP %d", resp.StatusCode)
	}
}
