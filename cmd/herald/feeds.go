package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"herald/actor"
	"herald/admin"
	"herald/config"
	"herald/feeds"
	"herald/outbound"
)

// feedsCommand runs "feeds check" and "feeds list".
func feedsCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "Usage: herald feeds check URL | list | add HANDLE URL | remove HANDLE [flags]")
		return exitUsage
	}
	switch args[0] {
	case "check":
		return checkCommand(args[1:], stdout, stderr)
	case "list":
		return listCommand(args[1:], stdout, stderr)
	case "add", "remove":
		return feedsEditCommand(args[0], args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "herald feeds: unknown subcommand %q (check, list, add, remove)\n", args[0])
		return exitUsage
	}
}

// parseFlags parses args with fs (which writes to stderr) and checks that
// nargs arguments are left; usage is the usage line shown above the flags
// for -h and for a wrong call. When the command must not go on, ok is false
// and code is its exit code.
func parseFlags(fs *flag.FlagSet, args []string, usage string, nargs int) (code int, ok bool) {
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: "+usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err), false
	}
	if fs.NArg() != nargs {
		fs.Usage()
		return exitUsage, false
	}
	return exitOK, true
}

// parseExit is the exit code after a flag parse error: 0 for -h, else a
// usage error.
func parseExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

// checkCommand fetches a feed and previews, without publishing anything or
// touching a data directory, the account and the posts Herald would make.
func checkCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("feeds check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def, err := checkDefaults(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "herald feeds check: %v\n", err)
		return exitUsage
	}
	handle := fs.String("handle", "news", "handle to preview the account with")
	base := fs.String("base-url", def.base, "base_url to preview ids with (default $HERALD_BASE_URL)")
	posts := fs.Int("posts", 3, "how many of the newest posts to show")
	allowPrivate := fs.Bool("allow-private", def.allowPrivate, "allow a feed on a loopback or private address (default $HERALD_ALLOW_PRIVATE_ADDRESSES)")
	timeout := fs.Duration("timeout", def.timeout, "fetch timeout (default $HERALD_FETCH_TIMEOUT)")
	if code, ok := parseFlags(fs, args, "herald feeds check [flags] URL", 1); !ok {
		return code
	}
	client := outbound.NewClient(outbound.Options{AllowPrivate: *allowPrivate, Timeout: *timeout, UserAgent: outbound.UserAgent(version, *base)})
	fetcher := &feeds.Fetcher{Client: client, UserAgent: outbound.UserAgent(version, *base), Timeout: *timeout}
	res, err := fetcher.Fetch(context.Background(), fs.Arg(0), feeds.Validators{})
	if err != nil {
		fmt.Fprintf(stdout, "PROBLEM: %v\n", err)
		explain(stdout, err)
		return exitFailed
	}
	if err := preview(stdout, res, strings.ToLower(*handle), strings.TrimRight(*base, "/"), *posts); err != nil {
		fmt.Fprintf(stderr, "herald feeds check: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// checkFlags are the defaults of feeds check's flags.
type checkFlags struct {
	base         string
	allowPrivate bool
	timeout      time.Duration
}

// checkDefaults returns feeds check's defaults, taking the HERALD_*
// variables of the keys it uses (base_url, allow_private_addresses,
// fetch_timeout) as the server does; flags given on the command line win.
// A variable that does not parse is an error naming it.
func checkDefaults(getenv func(string) string) (checkFlags, error) {
	d := checkFlags{base: "https://herald.example", timeout: config.DefaultFetchTimeout}
	if v := strings.TrimSpace(getenv("HERALD_BASE_URL")); v != "" {
		d.base = v
	}
	if v := strings.TrimSpace(getenv("HERALD_ALLOW_PRIVATE_ADDRESSES")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return d, fmt.Errorf("HERALD_ALLOW_PRIVATE_ADDRESSES: %q is not true or false", v)
		}
		d.allowPrivate = b
	}
	if v := strings.TrimSpace(getenv("HERALD_FETCH_TIMEOUT")); v != "" {
		t, err := time.ParseDuration(v)
		if err != nil || t <= 0 {
			return d, fmt.Errorf("HERALD_FETCH_TIMEOUT: %q is not a duration (use e.g. 30s, 5m, 1h)", v)
		}
		d.timeout = t
	}
	return d, nil
}

// explain adds advice for the usual failures.
func explain(w io.Writer, err error) {
	var httpErr *feeds.HTTPError
	switch {
	case errors.Is(err, feeds.ErrNotAFeed):
		fmt.Fprintln(w, "  The URL answered with something that is not RSS, Atom or JSON Feed (often the home page). Use the feed's own URL, e.g. https://example.org/feed/ on WordPress.")
	case errors.Is(err, outbound.ErrPrivateAddress):
		fmt.Fprintln(w, "  The address is not public. Herald refuses such fetches unless allow_private_addresses is true (here: --allow-private, or HERALD_ALLOW_PRIVATE_ADDRESSES=true).")
	case errors.As(err, &httpErr):
		fmt.Fprintf(w, "  The server answered HTTP %d. Check the URL in a browser; a firewall or bot filter may block Herald's User-Agent.\n", httpErr.StatusCode)
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintln(w, "  The server did not answer in time.")
	}
}

func preview(w io.Writer, res *feeds.Result, handle, base string, n int) error {
	f := res.Feed
	r := actor.NewRenderer(base)
	fmt.Fprintf(w, "Feed %s: %d items\n", res.URL, len(f.Items))
	fmt.Fprintf(w, "Account @%s@%s (%s)\n  name: %s\n  bio:  %s\n  site: %s\n", handle, hostOf(base), r.Actor(handle), f.Title, f.Description, f.SiteURL)
	problems := feedProblems(f)
	start := max(len(f.Items)-n, 0)
	fmt.Fprintf(w, "Newest %d posts, as followers would see them:\n", len(f.Items)-start)
	for i := len(f.Items) - 1; i >= start; i-- {
		it := f.Items[i]
		note, err := r.Note(handle, actor.Item{Key: it.Key, Title: it.Title, Link: it.Link, Summary: it.Summary, Content: it.Content,
			Language: f.Language, Author: it.Author, Categories: it.Categories}, it.Published, time.Time{})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n  %s  %s\n  %s\n", it.Published.UTC().Format("2006-01-02 15:04"), it.Link, contentOf(note))
	}
	if len(problems) == 0 {
		fmt.Fprintln(w, "\nNo problems found.")
		return nil
	}
	fmt.Fprintln(w, "\nProblems:")
	for _, p := range problems {
		fmt.Fprintln(w, "  - "+p)
	}
	return nil
}

// feedProblems lists what would make the account look poor.
func feedProblems(f *feeds.Feed) []string {
	var out []string
	if len(f.Items) == 0 {
		out = append(out, "the feed has no items: nothing would be posted until one appears")
	}
	if f.Title == "" {
		out = append(out, "the feed has no title: the account would be named after its handle (set name in the config)")
	}
	for _, it := range f.Items {
		switch {
		case it.Link == "":
			out = append(out, fmt.Sprintf("item %q has no link: its post cannot point to the article", it.Title))
		case it.Published.IsZero():
			out = append(out, fmt.Sprintf("item %q has no date: it is dated when Herald first sees it", it.Title))
		}
	}
	return out
}

func contentOf(note []byte) string {
	var n struct {
		Content string `json:"content"`
	}
	_ = json.Unmarshal(note, &n)
	return n.Content
}

func hostOf(base string) string {
	_, host, _ := strings.Cut(base, "://")
	return host
}

// listCommand lists the configured feeds and their health.
func listCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("feeds list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var flags adminFlags
	flags.register(fs)
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	src, err := flags.open()
	if err != nil {
		fmt.Fprintf(stderr, "herald feeds list: %v\n", err)
		return exitUsage
	}
	defer src.Close()
	actors, err := src.Actors()
	if err != nil {
		fmt.Fprintf(stderr, "herald feeds list: %v\n", err)
		return exitFailed
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HANDLE\tFOLLOWERS\tPOSTS\tLAST SUCCESS\tLAST ERROR\tFEED")
	for _, a := range actors {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", a.Handle, a.Followers, a.Posts, when(a.LastSuccess), a.LastError, a.FeedURL)
	}
	return flushExit(tw, stderr)
}

func flushExit(tw *tabwriter.Writer, stderr io.Writer) int {
	if err := tw.Flush(); err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailed
	}
	return exitOK
}

func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// printStatus writes one actor's status for "herald stats".
func printStatus(w io.Writer, s admin.ActorStatus) {
	fmt.Fprintf(w, "account:       %s\nfeed:          %s\nfollowers:     %d\nposts:         %d\nlast poll:     %s\nlast success:  %s\n",
		s.ID, s.FeedURL, s.Followers, s.Posts, when(s.LastAttempt), when(s.LastSuccess))
	fmt.Fprintf(w, "interactions:  %d likes, %d boosts, %d replies\n", s.Interactions.Likes, s.Interactions.Boosts, s.Interactions.Replies)
	if s.LastError != "" {
		fmt.Fprintf(w, "last error:    %s (%d in a row)\n", s.LastError, s.Failures)
	}
	if s.LastPing != nil {
		fmt.Fprintf(w, "last ping:     %s via %s (%s)\n", when(s.LastPing.At), s.LastPing.Via, s.LastPing.Source)
	}
	if o := s.Ownership; o != nil && o.Verified {
		fmt.Fprintf(w, "site:          confirmed (%s)\n", o.Method)
	} else if o != nil {
		fmt.Fprintf(w, "site:          NOT CONFIRMED: the account is unpublished until the site shows token %s\n", o.Token)
		for _, line := range o.Instructions {
			fmt.Fprintln(w, "               "+line)
		}
	}
}
