package main

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"herald/store"
)

// TestWebcareUsers adds a user (the password is printed once and stored
// hashed), lists, refuses a second one of that name and an unknown
// account, and removes it.
func TestWebcareUsers(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, "base_url: https://news.example.org\ndata_dir: "+dir+"\nfeeds: [{handle: news, url: 'https://example.org/feed'}]\n")
	t.Setenv("HERALD_BASE_URL", "")
	code, out, errOut := runCLI("webcare", "add-user", "--config", cfg, "--handle", "news", "--name", "Alice")
	m := regexp.MustCompile(`Password \(shown once, keep it safe\): (\S+)`).FindStringSubmatch(out)
	if code != exitOK || m == nil || !strings.Contains(out, "@news@news.example.org") {
		t.Fatalf("add-user: exit %d, %q %q", code, out, errOut)
	}
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.WebcareUser("alice")
	if code, _, errOut := runCLI("webcare", "list-users", "--config", cfg); code != exitFailed || !strings.Contains(errOut, "stop it first") {
		t.Errorf("list-users while the database is open: exit %d, %q", code, errOut)
	}
	if err != nil || u.Handle != "news" || bcrypt.CompareHashAndPassword(u.PasswordHash, []byte(m[1])) != nil || strings.Contains(string(u.PasswordHash), m[1]) {
		t.Fatalf("stored user %+v, %v", u, err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"list-users", "--config", cfg}, exitOK, "alice  news"},
		{[]string{"add-user", "--config", cfg, "--handle", "news", "--name", "alice"}, exitFailed, "exists already"},
		{[]string{"add-user", "--config", cfg, "--handle", "weather", "--name", "bob"}, exitFailed, `no account "weather"`},
		{[]string{"add-user", "--config", cfg, "--handle", "news", "--name", "bob smith"}, exitFailed, "user name"},
		{[]string{"add-user", "--config", cfg, "--handle", "news"}, exitUsage, "missing"},
		{[]string{"remove-user", "--config", cfg, "--name", "alice"}, exitOK, "Removed alice; 0 access tokens revoked."},
		{[]string{"remove-user", "--config", cfg, "--name", "alice"}, exitFailed, `no user "alice"`},
		{[]string{"list-users", "--config", cfg}, exitOK, "no users"},
		{[]string{"promote", "--config", cfg}, exitUsage, "unknown action"},
	} {
		code, out, errOut := runCLI(append([]string{"webcare"}, c.args...)...)
		if code != c.code || !strings.Contains(out+errOut, c.want) {
			t.Errorf("webcare %v: exit %d, %q %q; want %d with %q", c.args, code, out, errOut, c.code, c.want)
		}
	}
}
