package gotosocial_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// gtsHome is where CI puts the shared GoToSocial build: beside the
// repository, read-only.
const gtsHome = "../../../shared/gotosocial"

// suite is what TestMain shares between tests: one GoToSocial per test
// binary, started by the first test that needs it, and the built Herald.
var suite struct {
	once sync.Once
	skip string // why the interop test cannot run here
	err  error
	dir  string
	gts  *gts
	bin  string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if suite.gts != nil {
		if err := suite.gts.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop GoToSocial:", err)
		}
	}
	if suite.dir != "" {
		_ = os.RemoveAll(suite.dir)
	}
	os.Exit(code)
}

// setup returns the running GoToSocial and the Herald binary. Without
// GoToSocial or the tools its scripts need, the test is skipped, or fails
// with CI set.
func setup(t *testing.T) (*gts, string) {
	t.Helper()
	suite.once.Do(prepare)
	if suite.skip != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("GoToSocial interop test cannot run in CI: %s", suite.skip)
		}
		t.Skipf("GoToSocial interop test skipped: %s", suite.skip)
	}
	if suite.err != nil {
		t.Fatal(suite.err)
	}
	return suite.gts, suite.bin
}

// prepare finds GoToSocial and the tools, builds Herald and starts
// GoToSocial with its user.
func prepare() {
	home, err := filepath.Abs(gtsHome)
	if err != nil {
		suite.err = err
		return
	}
	if _, err := os.Stat(filepath.Join(home, "gotosocial")); err != nil {
		suite.skip = fmt.Sprintf("no GoToSocial build at %s (the shared folder beside the repository): %v", home, err)
		return
	}
	for _, tool := range []string{"bash", "curl", "jq", "setsid"} {
		if _, err := exec.LookPath(tool); err != nil {
			suite.skip = fmt.Sprintf("%s not found: the GoToSocial scripts need bash, curl, jq and setsid (.ci/run installs them)", tool)
			return
		}
	}
	if suite.dir, err = os.MkdirTemp("", "herald-gts-"); err != nil {
		suite.err = err
		return
	}
	suite.bin = filepath.Join(suite.dir, "herald")
	build := exec.Command("go", "build", "-o", suite.bin, "./cmd/herald")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		suite.err = fmt.Errorf("go build ./cmd/herald: %v\n%s", err, out)
		return
	}
	gtsDir := filepath.Join(suite.dir, "gts")
	if err := os.MkdirAll(gtsDir, 0o755); err != nil {
		suite.err = err
		return
	}
	suite.gts, suite.err = startGTS(home, gtsDir)
	if suite.err != nil {
		suite.err = fmt.Errorf("start GoToSocial: %w", suite.err)
	}
}

// world is one Herald account followed by the GoToSocial user.
type world struct {
	g    *gts
	h    *heraldProc
	site *site
	acct string // news@127.0.0.1:PORT
	id   string // the account's id on GoToSocial
	// item is the post the site publishes, edits and trashes in turn.
	item post
	// webcare is what the webcare steps share (webcare_test.go).
	webcare webcare
}

// TestGoToSocial plays issue #12: a GoToSocial user finds and follows a
// Herald account fed by a WordPress site (base_url with a port), and sees
// posts, edits and withdrawals; her likes, boosts and replies reach
// Herald's statistics and their Undo removes them; authorized-fetch mode
// and a key rotation keep working; her question to the account is a
// notification in Herald's client API, answered from there in public
// (threaded under the question) and directly (seen by no one else, issue
// #15); unfollowing stops delivery. The steps share one GoToSocial and
// run in order; the first failure ends the test.
func TestGoToSocial(t *testing.T) {
	g, bin := setup(t)
	w := &world{g: g, site: newSite(t), h: newHerald(t, bin),
		item: post{id: 201, title: "Nieuw gemaal in Zeeland geopend", text: "Het gemaal pompt 40 kuub water per seconde.",
			alt: "Het nieuwe gemaal bij zonsondergang", categories: []string{"Nieuws", "Waterveiligheid"}}}
	w.acct = "news@" + w.h.host
	w.h.writeConfig(t, w.site.feedURL(), w.site.icon(), false)
	w.h.start(t)
	gtsLog := g.logSize()
	t.Cleanup(func() {
		w.h.stop(t)
		if t.Failed() {
			t.Logf("Herald's log, last lines:\n%s", w.h.logTail(60))
			t.Logf("GoToSocial's log, last warnings, errors and refusals:\n%s", g.problems(gtsLog, 30))
		}
	})
	waitFor(t, 15*time.Second, "Herald's first poll of the feed", func() (bool, string) {
		s, err := w.h.stats()
		return err == nil && s.Posts >= 5, fmt.Sprintf("%v %v", s, err)
	})
	for _, step := range []struct {
		name string
		run  func(*testing.T, *world)
	}{
		{"search finds the account", searchFindsAccount},
		{"follow is accepted", followIsAccepted},
		{"new item appears in the home timeline", newItemAppears},
		{"edit shows edited_at and the new text", editShows},
		{"removed item is gone", removedItemGone},
		{"like, boost and reply reach Herald's statistics, and their Undo", interactionsCounted},
		{"authorized_fetch: true still works", authorizedFetchWorks},
		{"after herald keys rotate, posts arrive without a re-follow", keyRotationKeepsFollow},
		{"webcare: a question mentioning the account is a notification in Herald's client API", questionIsNotification},
		{"webcare: Herald's answer is threaded under the question", answerIsThreaded},
		{"webcare: a direct answer reaches only the user who asked", directAnswerIsPrivate},
		{"unfollow stops delivery", unfollowStopsDelivery},
	} {
		if !t.Run(step.name, func(t *testing.T) { step.run(t, w) }) {
			return
		}
	}
}

func searchFindsAccount(t *testing.T, w *world) {
	a, err := w.g.resolve(w.acct)
	if err != nil {
		t.Fatalf("a GoToSocial user searching @%s finds nothing: %v", w.acct, err)
	}
	w.id = a.ID
	if a.DisplayName != "Ministerie van Voorbeeldzaken" {
		t.Errorf("the profile's name reads %q, want the site's title", a.DisplayName)
	}
	if !strings.Contains(a.Note, "Nieuws en berichten van een fictief ministerie") {
		t.Errorf("the profile's bio reads %q, want the site's description", a.Note)
	}
	if !a.Bot {
		t.Errorf("the profile is not marked as automated (bot false)")
	}
	website := ""
	for _, f := range a.Fields {
		if f.Name == "Website" {
			website = f.Value
		}
	}
	if !strings.Contains(website, w.site.URL) {
		t.Errorf("the profile's fields %+v have no Website linking %s", a.Fields, w.site.URL)
	}
	if !strings.Contains(a.Avatar, "/fileserver/") {
		t.Errorf("the profile shows avatar %q, not the site icon %s fetched and stored by GoToSocial", a.Avatar, w.site.icon())
	}
}

func followIsAccepted(t *testing.T, w *world) {
	if err := w.g.call("POST", "/api/v1/accounts/"+w.id+"/follow", nil, nil); err != nil {
		t.Fatalf("pressing Follow: %v", err)
	}
	waitFor(t, 30*time.Second, "the GoToSocial user sees the follow accepted (following: true)", func() (bool, string) {
		r, err := w.g.relationship(w.id)
		return err == nil && r.Following, fmt.Sprintf("following=%v requested=%v %v", r.Following, r.Requested, err)
	})
	waitFor(t, 10*time.Second, "Herald counts the follower", func() (bool, string) {
		s, err := w.h.stats()
		return err == nil && s.Followers == 1, fmt.Sprintf("%v %v", s, err)
	})
}

// waitInHome waits until the post linking link is in the home timeline.
func waitInHome(t *testing.T, w *world, link, what string) status {
	t.Helper()
	var found status
	waitFor(t, 30*time.Second, what, func() (bool, string) {
		list, err := w.g.home()
		if err != nil {
			return false, err.Error()
		}
		for _, s := range list {
			if s.URL == link {
				found = s
				return true, ""
			}
		}
		return false, describe(list)
	})
	return found
}

func newItemAppears(t *testing.T, w *world) {
	item := &w.item
	item.published = time.Now()
	w.site.publish(*item)
	link := item.link(w.site.URL)
	s := waitInHome(t, w, link, "the new item appears in the GoToSocial user's home timeline")
	if !strings.Contains(s.Content, item.title) || !strings.Contains(s.Content, item.text) {
		t.Errorf("the post reads %q, want the title %q and the text %q", s.Content, item.title, item.text)
	}
	if !strings.Contains(s.Content, `href="`+link+`"`) {
		t.Errorf("the post does not link the article %s: %q", link, s.Content)
	}
	var tags []string
	for _, tag := range s.Tags {
		tags = append(tags, tag.Name)
	}
	if strings.Join(tags, " ") != "nieuws waterveiligheid" {
		t.Errorf("the post's hashtags are %v, want nieuws and waterveiligheid", tags)
	}
	if len(s.Media) != 1 || s.Media[0].Type != "image" || s.Media[0].Description != item.alt {
		t.Errorf("the post shows media %+v, want one image described %q", s.Media, item.alt)
	}
	if s.Language != "nl" {
		t.Errorf("the post's language is %q, want nl (the feed's nl-NL)", s.Language)
	}
	if s.Account.Acct != w.acct {
		t.Errorf("the post is by @%s, want @%s", s.Account.Acct, w.acct)
	}
}

// itemStatus returns the GoToSocial status of the item, from the home
// timeline.
func itemStatus(t *testing.T, w *world) status {
	t.Helper()
	s, ok, err := w.g.inHome(w.item.link(w.site.URL))
	if err != nil || !ok {
		t.Fatalf("the item is not in the home timeline (%v)", err)
	}
	return s
}

func editShows(t *testing.T, w *world) {
	id := itemStatus(t, w).ID
	item := &w.item
	item.title += " (bijgewerkt)"
	item.text = "Het gemaal pompt nu 45 kuub water per seconde."
	w.site.publish(*item)
	waitFor(t, 30*time.Second, "the GoToSocial user sees the edit", func() (bool, string) {
		var s status
		if err := w.g.call("GET", "/api/v1/statuses/"+id, nil, &s); err != nil {
			return false, err.Error()
		}
		return s.EditedAt != nil && strings.Contains(s.Content, item.title) && strings.Contains(s.Content, item.text),
			fmt.Sprintf("edited_at %v, text %q", s.EditedAt, s.Content)
	})
}

func removedItemGone(t *testing.T, w *world) {
	id := itemStatus(t, w).ID
	w.site.trash(w.item.id)
	waitFor(t, 30*time.Second, "the trashed item's post is gone for the GoToSocial user", func() (bool, string) {
		var s status
		err := w.g.call("GET", "/api/v1/statuses/"+id, nil, &s)
		var api *apiError
		if errors.As(err, &api) && api.status == 404 {
			return true, ""
		}
		return false, fmt.Sprintf("the post still answers (%v): %q", err, s.Content)
	})
}

func interactionsCounted(t *testing.T, w *world) {
	p := post{id: 202, title: "Tweede bericht over de dijken", text: "Ook de dijken bij Vlissingen worden versterkt.", published: time.Now()}
	w.site.publish(p)
	id := waitInHome(t, w, p.link(w.site.URL), "the second item appears in the home timeline").ID
	for _, action := range []string{"favourite", "reblog"} {
		if err := w.g.call("POST", "/api/v1/statuses/"+id+"/"+action, nil, nil); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
	}
	var reply status
	err := w.g.call("POST", "/api/v1/statuses", map[string][]string{"status": {"@" + w.acct + " Goed nieuws, dank!"},
		"in_reply_to_id": {id}, "visibility": {"public"}}, &reply)
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	counts := func(likes, boosts, replies int) func() (bool, string) {
		return func() (bool, string) {
			s, err := w.h.stats()
			i := s.Interactions
			return err == nil && i.Likes == likes && i.Boosts == boosts && i.Replies == replies, fmt.Sprintf("Herald's statistics: %v %v", s, err)
		}
	}
	waitFor(t, 30*time.Second, "the like, boost and reply show in Herald's statistics", counts(1, 1, 1))
	for _, undo := range []struct{ method, path string }{
		{"POST", "/api/v1/statuses/" + id + "/unfavourite"},
		{"POST", "/api/v1/statuses/" + id + "/unreblog"},
		{"DELETE", "/api/v1/statuses/" + reply.ID},
	} {
		if err := w.g.call(undo.method, undo.path, nil, nil); err != nil {
			t.Fatalf("%s %s: %v", undo.method, undo.path, err)
		}
	}
	waitFor(t, 30*time.Second, "unliking, unboosting and deleting the reply take them out of Herald's statistics", counts(0, 0, 0))
}

func authorizedFetchWorks(t *testing.T, w *world) {
	// A post GoToSocial never received: one of the site's posts from
	// before the first poll, found in the outbox while it is still open.
	old := w.site.URL + "/2026/11/26/nieuwe-regels-voor-dijken-duinen-samen-sterker/"
	note := noteInOutbox(t, w.h, old)
	w.h.stop(t)
	w.h.writeConfig(t, w.site.feedURL(), w.site.icon(), true)
	w.h.start(t)
	if code := unsignedGet(t, note); code != 401 {
		t.Fatalf("with authorized_fetch, an unsigned GET of %s answers %d, want 401", note, code)
	}
	s, err := w.g.resolveStatus(note)
	if err != nil {
		t.Fatalf("a GoToSocial user looking up %s (a signed GET by GoToSocial) finds nothing: %v", note, err)
	}
	if s.URL != old || !strings.Contains(s.Content, "Nieuwe regels voor dijken") {
		t.Errorf("looking up %s shows %s: %q", note, s.URL, s.Content)
	}
	p := post{id: 203, title: "Bericht onder authorized fetch", text: "Alleen ondertekende verzoeken.", published: time.Now()}
	w.site.publish(p)
	waitInHome(t, w, p.link(w.site.URL), "with authorized_fetch, a new item still appears in the home timeline")
}

func keyRotationKeepsFollow(t *testing.T, w *world) {
	before := followIDs(t, w.h)
	w.h.stop(t)
	if out := w.h.run(t, "keys", "rotate", "--config", w.h.config, "news"); !strings.Contains(out, "New key for news") {
		t.Fatalf("herald keys rotate: %s", out)
	}
	w.h.start(t)
	p := post{id: 204, title: "Bericht met de nieuwe sleutel", text: "Ondertekend met de nieuwe sleutel.", published: time.Now()}
	w.site.publish(p)
	waitInHome(t, w, p.link(w.site.URL), "after the key rotation, a new item appears in the home timeline")
	if r, err := w.g.relationship(w.id); err != nil || !r.Following {
		t.Errorf("after the key rotation the GoToSocial user no longer follows (following=%v, %v)", r.Following, err)
	}
	if after := followIDs(t, w.h); after != before {
		t.Errorf("the follow changed with the key (re-follow): %s, then %s", before, after)
	}
}

func unfollowStopsDelivery(t *testing.T, w *world) {
	if err := w.g.call("POST", "/api/v1/accounts/"+w.id+"/unfollow", nil, nil); err != nil {
		t.Fatalf("pressing Unfollow: %v", err)
	}
	waitFor(t, 30*time.Second, "Herald drops the follower", func() (bool, string) {
		s, err := w.h.stats()
		return err == nil && s.Followers == 0, fmt.Sprintf("%v %v", s, err)
	})
	s, err := w.h.stats()
	if err != nil {
		t.Fatal(err)
	}
	p := post{id: 205, title: "Bericht na ontvolgen", text: "Dit hoort niemand meer te bereiken.", published: time.Now()}
	w.site.publish(p)
	waitFor(t, 30*time.Second, "Herald records the item with nothing to deliver", func() (bool, string) {
		now, err := w.h.stats()
		pending, qErr := w.h.pending()
		return err == nil && qErr == nil && now.Posts > s.Posts && pending == 0, fmt.Sprintf("%v, %d deliveries queued %v %v", now, pending, err, qErr)
	})
	if st, ok, err := w.g.inHome(p.link(w.site.URL)); err != nil || ok {
		t.Errorf("after unfollowing, the GoToSocial user still received %q (%v)", st.Content, err)
	}
}
