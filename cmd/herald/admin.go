package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"herald/config"
	"herald/delivery"
	"herald/relays"
)

// adminFlags are the flags every admin command takes.
type adminFlags struct {
	config, server, token string
}

func (f *adminFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "config file of a stopped server (its data_dir is read)")
	fs.StringVar(&f.server, "server", "", "base URL of a running server, asked through its admin API")
	fs.StringVar(&f.token, "token", os.Getenv("HERALD_ADMIN_TOKEN"), "admin API token (default $HERALD_ADMIN_TOKEN)")
}

// open returns the source the flags name.
func (f *adminFlags) open() (source, error) {
	if f.server != "" {
		return newAPISource(f.server, f.token)
	}
	cfg, err := config.Load(f.config, os.Getenv)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return openDir(cfg)
}

// adminCommand runs followers, stats, deliveries, relays and backup.
func adminCommand(cmd string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var flags adminFlags
	flags.register(fs)
	wantArgs := map[string]string{"followers": "HANDLE", "stats": "HANDLE", "backup": "FILE", "deliveries": "", "relays": ""}[cmd]
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: herald %s [flags] %s\n", cmd, wantArgs)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return parseExit(err)
	}
	if (wantArgs == "") != (fs.NArg() == 0) || fs.NArg() > 1 {
		fs.Usage()
		return exitUsage
	}
	src, err := flags.open()
	if err != nil {
		fmt.Fprintf(stderr, "herald %s: %v\n", cmd, err)
		return exitUsage
	}
	defer src.Close()
	if err := runAdmin(cmd, fs.Arg(0), src, stdout); err != nil {
		fmt.Fprintf(stderr, "herald %s: %v\n", cmd, err)
		return exitFailed
	}
	return exitOK
}

func runAdmin(cmd, arg string, src source, stdout io.Writer) error {
	switch cmd {
	case "followers":
		return printFollowers(src, arg, stdout)
	case "stats":
		s, err := src.Actor(arg)
		if err != nil {
			return err
		}
		printStatus(stdout, s)
		return nil
	case "relays":
		rs, err := src.Relays()
		if err != nil {
			return err
		}
		return printRelays(stdout, rs)
	case "deliveries":
		q, err := src.Queue()
		if err != nil {
			return err
		}
		printQueue(stdout, q)
		return nil
	default: // backup
		return writeBackup(src, arg, stdout)
	}
}

func printFollowers(src source, handle string, stdout io.Writer) error {
	followers, err := src.Followers(handle)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FOLLOWER\tSINCE\tDELIVERED TO")
	for _, f := range followers {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", f.ID, f.Since.UTC().Format("2006-01-02"), f.DeliveryInbox())
	}
	return tw.Flush()
}

// writeBackup writes the snapshot to a temporary file beside FILE and
// renames it into place, so FILE is never a half-written database.
func writeBackup(src source, path string, stdout io.Writer) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".herald-backup-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := src.Backup(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s (restore: stop Herald, copy it to DATA_DIR/herald.db)\n", path)
	return nil
}

// printQueue writes the queue and the failing hosts for "herald deliveries".
func printQueue(w io.Writer, q delivery.QueueStatus) {
	fmt.Fprintf(w, "pending deliveries: %d (%d due now)\n", q.Pending, q.Due)
	if q.Pending > 0 {
		fmt.Fprintf(w, "oldest waiting:     %s\n", (time.Duration(q.OldestPendingSeconds) * time.Second).String())
	}
	if !q.NextDue.IsZero() {
		fmt.Fprintf(w, "next due:           %s\n", q.NextDue.UTC().Format(time.RFC3339))
	}
	printReplicas(w, q.Replicas)
	if len(q.Hosts) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nHOST\tSTATE\tFAILURES\tHELD UNTIL\tLAST ERROR")
	for _, h := range q.Hosts {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", h.Host, h.State, h.Failures, when(h.HeldUntil), h.LastError)
	}
	_ = tw.Flush()
}

// printReplicas lists the replicas holding claims on jobs, if any: their
// jobs in flight, queue age and when their claims end (negative: ended,
// being taken over).
func printReplicas(w io.Writer, rs []delivery.ReplicaStatus) {
	if len(rs) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nREPLICA\tJOBS\tOLDEST CLAIMED\tCLAIMS END IN")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", r.Replica, r.Jobs, time.Duration(r.OldestClaimedSeconds)*time.Second, time.Duration(r.LeaseEndsSeconds)*time.Second)
	}
	_ = tw.Flush()
}

// printRelays lists the relay subscriptions, one line each.
func printRelays(w io.Writer, rs []relays.Status) error {
	if len(rs) == 0 {
		_, err := fmt.Fprintln(w, "no relays (add some under relays: in the config)")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RELAY\tFLAVOUR\tSTATE\tSINCE\tACCOUNTS\tLAST ERROR")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.URL, r.Flavour, r.State, when(r.Since), strings.Join(r.Feeds, ","), r.LastError)
	}
	return tw.Flush()
}
