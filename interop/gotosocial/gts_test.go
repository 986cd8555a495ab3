package gotosocial_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The local GoToSocial user whose eyes the test looks through.
const (
	gtsUser     = "alice"
	gtsEmail    = "alice@example.org"
	gtsPassword = "Very-Long-Passw0rd!"
)

// gts is a GoToSocial server started from the shared folder's scripts, with
// one confirmed local user and her OAuth token (scopes read write follow).
type gts struct {
	shared string // the shared folder: binary, templates, scripts
	dir    string // GTS_DIR: config, data, log, pid file, token
	port   int
	base   string // http://127.0.0.1:PORT
	token  string
	client *http.Client
}

// startGTS starts GoToSocial in dir on a free port, creates and confirms
// the user, and gets her token. On error it leaves what it started for
// stop to end.
func startGTS(home, dir string) (*gts, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	g := &gts{shared: home, dir: dir, port: port, base: "http://127.0.0.1:" + strconv.Itoa(port),
		client: &http.Client{Timeout: 30 * time.Second}}
	linkWazeroCache(dir)
	if err := g.script("start.sh"); err != nil {
		return g, err
	}
	for _, args := range [][]string{
		{"account", "create", "--username", gtsUser, "--email", gtsEmail, "--password", gtsPassword},
		{"account", "confirm", "--username", gtsUser},
	} {
		if err := g.admin(args...); err != nil {
			return g, err
		}
	}
	if err := g.script("get_token.sh"); err != nil {
		return g, err
	}
	tok, err := os.ReadFile(filepath.Join(dir, "token.txt"))
	if err != nil {
		return g, err
	}
	g.token = strings.TrimSpace(string(tok))
	return g, nil
}

// linkWazeroCache points GTS_DIR/wazero-cache, where the scripts keep
// GoToSocial's compiled ffmpeg (16 s to build, once), at a folder in the
// user's cache directory, so that runs after the first start in seconds.
// Without a cache directory the compilation just happens in dir.
func linkWazeroCache(dir string) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return
	}
	shared := filepath.Join(cache, "herald-interop", "gotosocial-wazero")
	if os.MkdirAll(shared, 0o755) == nil {
		_ = os.Symlink(shared, filepath.Join(dir, "wazero-cache"))
	}
}

// env is the environment of the scripts and the binary.
func (g *gts) env() []string {
	return append(os.Environ(), "GTS_DIR="+g.dir, "GTS_PORT="+strconv.Itoa(g.port),
		"GTS_USER="+gtsUser, "GTS_EMAIL="+gtsEmail, "GTS_PASSWORD="+gtsPassword,
		"GTS_WAZERO_COMPILATION_CACHE="+filepath.Join(g.dir, "wazero-cache"))
}

// script runs one of the shared folder's scripts.
func (g *gts) script(name string, args ...string) error {
	cmd := exec.Command("bash", append([]string{filepath.Join(g.shared, name)}, args...)...)
	cmd.Env = g.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", name, err, out)
	}
	return nil
}

// scriptAs runs one of the shared folder's scripts as another user.
func (g *gts) scriptAs(user, email, password, name string) error {
	cmd := exec.Command("bash", filepath.Join(g.shared, name))
	cmd.Env = append(g.env(), "GTS_USER="+user, "GTS_EMAIL="+email, "GTS_PASSWORD="+password)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s as %s: %v\n%s", name, user, err, out)
	}
	return nil
}

// admin runs `gotosocial admin ARGS` on the server's config.
func (g *gts) admin(args ...string) error {
	cmd := exec.Command(filepath.Join(g.shared, "gotosocial"), append([]string{"--config-path", filepath.Join(g.dir, "config.yaml"), "admin"}, args...)...)
	cmd.Dir, cmd.Env = g.dir, g.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("gotosocial admin %s: %v\n%s", strings.Join(args, " "), err, tail(out, 20))
	}
	return nil
}

// stop stops the server (SIGTERM, then SIGKILL after 30 s: stop.sh).
func (g *gts) stop() error { return g.script("stop.sh") }

// logSize is the size of GoToSocial's log now: where a test's lines start.
func (g *gts) logSize() int64 {
	fi, err := os.Stat(filepath.Join(g.dir, "gts.log"))
	if err != nil {
		return 0
	}
	return fi.Size()
}

// problems returns the last n lines GoToSocial logged after offset that
// report a warning or an error or answer 400 or more, but not those of
// the test's own client API calls.
func (g *gts) problems(offset int64, n int) string {
	b, _ := os.ReadFile(filepath.Join(g.dir, "gts.log"))
	b = b[min(offset, int64(len(b))):]
	var keep []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "uri=/api/") {
			continue
		}
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") || strings.Contains(line, "error") || strings.Contains(line, "statusCode=4") || strings.Contains(line, "statusCode=5") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep[max(0, len(keep)-n):], "\n")
}

// apiError is an answer of the client API with status 400 or more.
type apiError struct {
	status int
	body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.status, e.body) }

// call sends an authenticated client API request (form as the query for
// GET, as the body otherwise) and decodes a JSON answer into v (when not nil).
func (g *gts) call(method, path string, form url.Values, v any) error {
	u, body := g.base+path, io.Reader(nil)
	if method == http.MethodGet && form != nil {
		u += "?" + form.Encode()
	} else if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		return &apiError{status: resp.StatusCode, body: string(raw)}
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(raw, v)
}

// account is a client API account, as a GoToSocial user sees a profile.
type account struct {
	ID          string `json:"id"`
	Acct        string `json:"acct"`
	DisplayName string `json:"display_name"`
	Note        string `json:"note"`
	Bot         bool   `json:"bot"`
	Avatar      string `json:"avatar"`
	URL         string `json:"url"`
	Fields      []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
}

// status is a client API status, as a GoToSocial user sees a post.
type status struct {
	ID          string  `json:"id"`
	URI         string  `json:"uri"`
	URL         string  `json:"url"`
	Content     string  `json:"content"`
	Language    string  `json:"language"`
	Visibility  string  `json:"visibility"`
	InReplyToID *string `json:"in_reply_to_id"`
	EditedAt    *string `json:"edited_at"`
	Account     account `json:"account"`
	Tags        []struct {
		Name string `json:"name"`
	} `json:"tags"`
	Media []struct {
		Type        string `json:"type"`
		Description string `json:"description"`
		RemoteURL   string `json:"remote_url"`
	} `json:"media_attachments"`
}

// relationship is the user's relationship with an account.
type relationship struct {
	Following bool `json:"following"`
	Requested bool `json:"requested"`
}

// resolve searches for acct with resolve=true, as typing @news@host in the
// search box does, and returns the first account found.
func (g *gts) resolve(acct string) (account, error) {
	var res struct {
		Accounts []account `json:"accounts"`
	}
	err := g.call(http.MethodGet, "/api/v2/search", url.Values{"q": {"@" + acct}, "resolve": {"true"}, "type": {"accounts"}, "limit": {"1"}}, &res)
	if err != nil {
		return account{}, err
	}
	if len(res.Accounts) == 0 {
		return account{}, fmt.Errorf("no account found for @%s", acct)
	}
	return res.Accounts[0], nil
}

// resolveStatus searches for a post by its URL with resolve=true.
func (g *gts) resolveStatus(uri string) (status, error) {
	var res struct {
		Statuses []status `json:"statuses"`
	}
	err := g.call(http.MethodGet, "/api/v2/search", url.Values{"q": {uri}, "resolve": {"true"}, "type": {"statuses"}, "limit": {"1"}}, &res)
	if err != nil {
		return status{}, err
	}
	if len(res.Statuses) == 0 {
		return status{}, fmt.Errorf("no post found for %s", uri)
	}
	return res.Statuses[0], nil
}

// relationship returns the user's relationship with account id.
func (g *gts) relationship(id string) (relationship, error) {
	var rels []relationship
	if err := g.call(http.MethodGet, "/api/v1/accounts/relationships", url.Values{"id[]": {id}}, &rels); err != nil {
		return relationship{}, err
	}
	if len(rels) != 1 {
		return relationship{}, fmt.Errorf("%d relationships", len(rels))
	}
	return rels[0], nil
}

// home returns the user's home timeline, each status once (this build
// repeats statuses when it holds fewer than the limit).
func (g *gts) home() ([]status, error) {
	var list []status
	if err := g.call(http.MethodGet, "/api/v1/timelines/home", url.Values{"limit": {"40"}}, &list); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []status
	for _, s := range list {
		if !seen[s.ID] {
			seen[s.ID] = true
			out = append(out, s)
		}
	}
	return out, nil
}

// inHome returns the status of the home timeline whose web URL is link.
func (g *gts) inHome(link string) (status, bool, error) {
	list, err := g.home()
	if err != nil {
		return status{}, false, err
	}
	for _, s := range list {
		if s.URL == link {
			return s, true, nil
		}
	}
	return status{}, false, nil
}

// describe summarises statuses for failure messages.
func describe(list []status) string {
	if len(list) == 0 {
		return "an empty home timeline"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d posts in the home timeline:", len(list))
	for _, s := range list {
		fmt.Fprintf(&b, "\n  %s (%s) %.100s", s.URL, s.URI, s.Content)
	}
	return b.String()
}

// tail returns the last n lines of b.
func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
