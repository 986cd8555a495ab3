package admin

import (
	"cmp"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"

	"herald/config"
	"herald/dashboard"
	"herald/respond"
	"herald/store"
)

// sessionCookie holds the SHA-256 of the admin token a browser signed in
// with (never the token itself), in hex, then a dot and a random nonce
// that tells this sign-in from others with the same token (the forms'
// csrf token is made from both; a cookie from before the nonce has none).
// It is HttpOnly and SameSite=Strict, which also keeps other sites from
// posting the dashboard's forms.
const sessionCookie = "herald_session"

// dashboardToken returns the token of the signed-in browser.
func (a *Admin) dashboardToken(r *http.Request) (config.AdminToken, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return config.AdminToken{}, false
	}
	hash, _, _ := strings.Cut(c.Value, ".")
	presented, err := hex.DecodeString(hash)
	if err != nil || len(presented) != sha256.Size {
		return config.AdminToken{}, false
	}
	var found config.AdminToken
	match := false
	for _, t := range a.o.Config.AdminTokens {
		want := sha256.Sum256([]byte(t.Token))
		if subtle.ConstantTimeCompare(presented, want[:]) == 1 {
			found, match = t, true
		}
	}
	return found, match
}

// page wraps a dashboard page: signed-out browsers see the login form.
func (a *Admin) page(h func(http.ResponseWriter, *http.Request, config.AdminToken)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pageHeaders(w)
		tok, ok := a.dashboardToken(r)
		if !ok {
			a.renderPage(w, r, func() error { return a.o.Pages.Login(w, dashboard.LoginPage{}) })
			return
		}
		h(w, r, tok)
	}
}

// pageHeaders sets the headers of every statistics page: not cached, a
// strict Content-Security-Policy (no script at all), no sniffing, no
// referrer.
func pageHeaders(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// pageHandle returns the {handle} of a statistics page's path when tok
// may see it; else it answers 404, for an account that is not served and
// for one of another publisher alike (a page does not tell which
// accounts exist; the admin API answers the latter 403).
func (a *Admin) pageHandle(w http.ResponseWriter, r *http.Request, tok config.AdminToken) (string, bool) {
	handle, ok := a.knownHandle(r)
	if !ok || !tok.Allows(handle) {
		http.Error(w, "There is no such account among yours.", http.StatusNotFound)
		return "", false
	}
	return handle, true
}

func (a *Admin) renderPage(w http.ResponseWriter, r *http.Request, render func() error) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := render(); err != nil {
		a.o.Log.Error("render dashboard", "path", r.URL.Path, "error", err)
	}
}

// handleLogin answers POST /admin/login: a valid token sets the session
// cookie and leads to the overview; a wrong one shows the form again (401).
func (a *Admin) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	token := ""
	if err := r.ParseForm(); err == nil {
		token = strings.TrimSpace(r.PostForm.Get("token"))
	}
	sum := sha256.Sum256([]byte(token))
	probe := &http.Request{Header: http.Header{"Cookie": {sessionCookie + "=" + hex.EncodeToString(sum[:])}}}
	if _, ok := a.dashboardToken(probe); !ok || token == "" {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusUnauthorized)
		a.renderPage(w, r, func() error { return a.o.Pages.Login(w, dashboard.LoginPage{Error: "That token is not valid."}) })
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: hex.EncodeToString(sum[:]) + "." + newFormKey(), Path: "/admin/",
		HttpOnly: true, Secure: strings.HasPrefix(a.o.Config.BaseURL, "https://"), SameSite: http.SameSiteStrictMode, MaxAge: 12 * 3600})
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

// handleLogout answers POST /admin/logout.
func (a *Admin) handleLogout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/admin/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

// handleStyle answers GET /admin/style.css.
func (a *Admin) handleStyle(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(dashboard.CSS())
}

// handleOverview answers GET /admin/: the accounts the token may see.
func (a *Admin) handleOverview(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	page := dashboard.OverviewPage{Now: a.o.Now()}
	for _, f := range a.o.Config.Feeds {
		if !tok.Allows(f.Handle) {
			continue
		}
		account, err := a.dashboardAccount(f)
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
		page.Accounts = append(page.Accounts, account)
	}
	if tok.Role == config.RoleOperator {
		var err error
		if page.Relays, err = a.dashboardRelays(); err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
	}
	a.renderPage(w, r, func() error { return a.o.Pages.Overview(w, page) })
}

func (a *Admin) dashboardAccount(f config.Feed) (dashboard.Account, error) {
	s, err := ReadActorStatus(a.o.Store, a.o.Config, f)
	if err != nil {
		return dashboard.Account{}, err
	}
	p, err := a.o.Accounts.Profile(f.Handle)
	if err != nil {
		return dashboard.Account{}, err
	}
	return dashboard.Account{Handle: f.Handle, Name: p.Name, ID: s.ID, FeedURL: f.URL, Followers: s.Followers, Posts: s.Posts,
		Health: dashboard.Health{LastAttempt: s.LastAttempt, LastSuccess: s.LastSuccess, LastError: s.LastError, Failures: s.Failures}}, nil
}

// handleAccountPage answers GET /admin/actors/{handle}.
func (a *Admin) handleAccountPage(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	handle, ok := a.pageHandle(w, r, tok)
	if !ok {
		return
	}
	var feed config.Feed
	for _, f := range a.o.Config.Feeds {
		if f.Handle == handle {
			feed = f
		}
	}
	account, err := a.dashboardAccount(feed)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	followers, err := a.o.Store.Followers(handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	posts, err := a.dashboardPosts(handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	replies, err := a.recentReplies(posts)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	page := dashboard.AccountPage{Account: account, Now: a.o.Now(), Posts: posts, TopPosts: topPosts(posts, 5), Replies: replies}
	history, err := a.o.Store.FollowerHistory(handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	page.FollowersOverTime, page.NewPerWeek = followerSeries(followers, history, a.o.Now())
	a.renderPage(w, r, func() error { return a.o.Pages.Account(w, page) })
}

// dashboardPostLimit bounds the posts listed on an account page.
const dashboardPostLimit = 50

// dashboardPosts lists the account's newest posts from its outbox.
func (a *Admin) dashboardPosts(handle string) ([]dashboard.Post, error) {
	entries, _, err := a.o.Store.Outbox(handle, time.Time{}, dashboardPostLimit)
	if err != nil {
		return nil, err
	}
	var posts []dashboard.Post
	seen := map[string]bool{}
	for _, e := range entries {
		var act struct {
			Type   string `json:"type"`
			Object struct {
				ID        string    `json:"id"`
				URL       string    `json:"url"`
				Content   string    `json:"content"`
				Published time.Time `json:"published"`
			} `json:"object"`
		}
		if json.Unmarshal(e.Activity, &act) != nil || seen[act.Object.ID] {
			continue
		}
		seen[act.Object.ID] = true
		// A post written in an app has no url: its id is its page.
		post := dashboard.Post{Title: dashboard.PostTitle(act.Object.Content), URL: cmp.Or(act.Object.URL, act.Object.ID), ID: act.Object.ID,
			Published: act.Object.Published}
		if err := a.reach(&post); err != nil {
			return nil, err
		}
		posts = append(posts, post)
	}
	return posts, nil
}

// reach fills in a post's interactions and the delivery of its Create.
func (a *Admin) reach(p *dashboard.Post) error {
	for kind, n := range map[string]*int{store.KindLike: &p.Likes, store.KindShare: &p.Boosts, store.KindReply: &p.Replies} {
		_, total, err := a.o.Store.Interactions(p.ID, kind, 0)
		if err != nil {
			return err
		}
		*n = total
	}
	st, _, err := a.o.Store.DeliveryStats(a.o.Render.URLs.Create(p.ID))
	if err != nil {
		return err
	}
	p.Delivered, p.Pending, p.Failed = st.Delivered, st.Pending(), st.Failed
	return nil
}

// recentReplyLimit bounds the replies shown on an account page.
const recentReplyLimit = 10

// recentReplies returns the newest replies to posts, newest first.
func (a *Admin) recentReplies(posts []dashboard.Post) ([]dashboard.Reply, error) {
	var replies []dashboard.Reply
	for _, p := range posts {
		if p.Replies == 0 {
			continue
		}
		items, _, err := a.o.Store.Interactions(p.ID, store.KindReply, recentReplyLimit)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			at := it.Published
			if at.IsZero() {
				at = it.Received
			}
			// The content was sanitised when the reply was stored.
			replies = append(replies, dashboard.Reply{Author: it.Actor, AuthorURL: it.Actor, URL: cmp.Or(it.URL, it.ID),
				InReplyTo: p.Title, Content: template.HTML(it.Content), At: at})
		}
	}
	sort.SliceStable(replies, func(i, j int) bool { return replies[i].At.After(replies[j].At) })
	return replies[:min(len(replies), recentReplyLimit)], nil
}

// topPosts returns up to n posts with the most interactions.
func topPosts(posts []dashboard.Post, n int) []dashboard.Post {
	var top []dashboard.Post
	for _, p := range posts {
		if p.Interactions() > 0 {
			top = append(top, p)
		}
	}
	sort.SliceStable(top, func(i, j int) bool { return top[i].Interactions() > top[j].Interactions() })
	return top[:min(n, len(top))]
}

// followerSeries returns followers over time and new followers per week
// (the last 12 weeks). Over time: the daily samples Herald records (see
// recordFollowerHistory), preceded, for the days before the first sample,
// by what the current followers' start dates tell, and ended by now.
func followerSeries(followers []store.Follower, history []store.DayCount, now time.Time) ([]dashboard.Point, []dashboard.WeekCount) {
	sort.Slice(followers, func(i, j int) bool { return followers[i].Since.Before(followers[j].Since) })
	var points []dashboard.Point
	add := func(day time.Time, n int) {
		if last := len(points) - 1; last >= 0 && points[last].At.Equal(day) {
			points[last].Value = n
			return
		}
		points = append(points, dashboard.Point{At: day, Value: n})
	}
	for i, f := range followers {
		day := f.Since.UTC().Truncate(24 * time.Hour)
		if len(history) > 0 && !day.Before(history[0].Day) {
			break
		}
		add(day, i+1)
	}
	for _, h := range history {
		add(h.Day, h.Count)
	}
	if len(points) > 0 {
		points = append(points, dashboard.Point{At: now.UTC(), Value: len(followers)})
	}
	return points, newPerWeek(followers, now)
}

// newPerWeek counts the current followers by the week (from Monday) they
// started following, over the last 12 weeks.
func newPerWeek(followers []store.Follower, now time.Time) []dashboard.WeekCount {
	weekStart := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -int(now.UTC().Weekday()+6)%7)
	weeks := make([]dashboard.WeekCount, 12)
	for i := range weeks {
		weeks[i].Start = weekStart.AddDate(0, 0, -7*(11-i))
	}
	for _, f := range followers {
		for i := len(weeks) - 1; i >= 0; i-- {
			if !f.Since.Before(weeks[i].Start) {
				weeks[i].Count++
				break
			}
		}
	}
	return weeks
}
