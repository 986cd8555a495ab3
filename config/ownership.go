package config

import (
	"fmt"
	"strings"
	"time"
)

// DefaultOwnershipCheckInterval is how often ownership is checked.
const DefaultOwnershipCheckInterval = 10 * time.Minute

// Ownership configures the check that a feed's site wants its account, for
// operators that host accounts for other organisations.
type Ownership struct {
	// Required turns the check on: an account is published (WebFinger,
	// discoverable, accepting follows) only once its site shows its token.
	Required bool `yaml:"required"`
	// Allowlist holds domains that need no check (the operator's own); a
	// domain covers its subdomains.
	Allowlist []string `yaml:"allowlist"`
	// CheckInterval is how often sites are checked; 0 means
	// DefaultOwnershipCheckInterval.
	CheckInterval Duration `yaml:"check_interval"`
}

// Interval returns CheckInterval or its default.
func (o Ownership) Interval() time.Duration {
	if o.CheckInterval == 0 {
		return DefaultOwnershipCheckInterval
	}
	return o.CheckInterval.Std()
}

// Allowed reports whether host is on the allowlist.
func (o Ownership) Allowed(host string) bool {
	host = strings.ToLower(host)
	for _, d := range o.Allowlist {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

func (o *Ownership) validate() error {
	for i, d := range o.Allowlist {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" || strings.ContainsAny(d, "/:@ ") {
			return fmt.Errorf("ownership.allowlist[%d]: %q is not a domain name", i, o.Allowlist[i])
		}
		o.Allowlist[i] = d
	}
	if o.CheckInterval != 0 && o.CheckInterval.Std() < time.Second {
		return fmt.Errorf("ownership.check_interval: %s is shorter than 1s", o.CheckInterval.Std())
	}
	return nil
}
