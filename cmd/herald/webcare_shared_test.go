package main

import (
	"net/http"
	"regexp"
	"testing"

	"herald/apptest"
	"herald/config"
	"herald/pgtest"
)

// TestWebcareUsersWhileServing: on PostgreSQL the webcare commands work
// beside a running Herald (no file lock to wait for), which sees the
// change at the next request: a user added by the CLI signs in to the
// running server at once, and removing the user revokes the app's token
// there at once.
func TestWebcareUsersWhileServing(t *testing.T) {
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL})
	cfg.DatabaseURL = pgtest.Database(t)
	apptest.Start(t, cfg, nil)
	file := writeFile(t, "base_url: "+cfg.BaseURL+"\ndatabase_url: "+cfg.DatabaseURL+"\nfeeds: [{handle: news, url: '"+feed.URL+"'}]\n")
	t.Setenv("HERALD_BASE_URL", "")
	code, out, errOut := runCLI("webcare", "add-user", "--config", file, "--handle", "news", "--name", "alice")
	m := regexp.MustCompile(`Password \(shown once, keep it safe\): (\S+)`).FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("add-user beside the running server: exit %d, %q %q", code, out, errOut)
	}
	app := apptest.RegisterApp(t, cfg.BaseURL, "https://app.example/callback", "read")
	token := apptest.SignInToken(t, cfg.BaseURL, app, "read", "alice", m[1])
	if status := credentials(t, cfg.BaseURL, token); status != http.StatusOK {
		t.Fatalf("verify_credentials with the new user's token: HTTP %d", status)
	}
	if code, out, errOut := runCLI("webcare", "remove-user", "--config", file, "--name", "alice"); code != exitOK {
		t.Fatalf("remove-user beside the running server: exit %d, %q %q", code, out, errOut)
	}
	if status := credentials(t, cfg.BaseURL, token); status != http.StatusUnauthorized {
		t.Errorf("verify_credentials after the user was removed: HTTP %d, want 401", status)
	}
}

func credentials(t *testing.T, base, token string) int {
	req, _ := http.NewRequest("GET", base+"/api/v1/accounts/verify_credentials", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
