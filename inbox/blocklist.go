package inbox

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"herald/config"
)

// Limits on a subscribed blocklist.
const (
	maxBlocklistBytes   = 4 << 20
	maxBlocklistDomains = 200_000
)

// RunBlocklist fetches the subscribed blocklist now and then every
// inbox.blocklist_refresh until ctx ends. Each successful fetch replaces
// the subscribed domains and drops the followers they block; a failed one
// keeps the previous list (a blocklist host being down must not unblock).
func (in *Inbox) RunBlocklist(ctx context.Context) {
	list := in.o.Config.Inbox.BlocklistURL
	if list == "" {
		return
	}
	every := in.o.Config.Inbox.BlocklistRefresh.Std()
	if every == 0 {
		every = config.DefaultBlocklistRefresh
	}
	for {
		if err := in.refreshBlocklist(ctx, list); err != nil && ctx.Err() == nil {
			in.o.Log.Warn("blocklist: fetch failed, keeping the previous list", "url", list, "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

func (in *Inbox) refreshBlocklist(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := in.o.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	domains, err := parseBlocklist(io.LimitReader(resp.Body, maxBlocklistBytes))
	if err != nil {
		return err
	}
	in.guard.subscribed.store(domains)
	in.o.Log.Info("blocklist loaded", "url", url, "domains", len(domains))
	return in.dropBlockedFollowers()
}

// parseBlocklist reads a domain blocklist in Mastodon's CSV export format
// (a header "#domain,#severity,..." and one row per domain) or a bare list
// of domains, one per line. Domains with severity "suspend", or without a
// severity, are returned; "silence" and "noop" rows are not blocks for an
// account that only publishes. Obfuscated domains (with "*") are skipped.
func parseBlocklist(r io.Reader) (map[string]bool, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = 0
	domainCol, severityCol := 0, -1
	out := map[string]bool{}
	for line := 0; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("blocklist line %d: %w", line+1, err)
		}
		if line == 0 && isBlocklistHeader(rec) {
			domainCol, severityCol = blocklistColumns(rec)
			continue
		}
		if domainCol >= len(rec) {
			continue
		}
		d := strings.ToLower(strings.TrimSpace(rec[domainCol]))
		severity := ""
		if severityCol >= 0 && severityCol < len(rec) {
			severity = strings.ToLower(strings.TrimSpace(rec[severityCol]))
		}
		if d == "" || strings.HasPrefix(d, "#") || strings.ContainsAny(d, "*/:@ ") || (severity != "" && severity != "suspend") {
			continue
		}
		if len(out) >= maxBlocklistDomains {
			return nil, fmt.Errorf("blocklist has more than %d domains", maxBlocklistDomains)
		}
		out[d] = true
	}
}

// isBlocklistHeader reports whether rec names the columns (one of them is
// "#domain" or "domain").
func isBlocklistHeader(rec []string) bool {
	for _, f := range rec {
		if strings.TrimPrefix(strings.ToLower(strings.TrimSpace(f)), "#") == "domain" {
			return true
		}
	}
	return false
}

func blocklistColumns(header []string) (domain, severity int) {
	domain, severity = 0, -1
	for i, h := range header {
		switch strings.TrimPrefix(strings.ToLower(strings.TrimSpace(h)), "#") {
		case "domain":
			domain = i
		case "severity":
			severity = i
		}
	}
	return domain, severity
}
