package config

import (
	"fmt"
	"slices"
)

// Admin API roles.
const (
	// RoleOperator may do everything.
	RoleOperator = "operator"
	// RolePublisher may read and manage only the actors listed with its token.
	RolePublisher = "publisher"
)

// minTokenLength keeps tokens out of guessing range (32 characters of
// random base64 or hex are 128 bits or more).
const minTokenLength = 32

// AdminToken is a bearer token for the admin API and the statistics page.
// HERALD_ADMIN_TOKEN adds one operator token.
type AdminToken struct {
	// Token is the secret, at least 32 characters (e.g. `openssl rand -hex 32`).
	Token string `yaml:"token"`
	// Role is "operator" or "publisher".
	Role string `yaml:"role"`
	// Actors are the handles a publisher token may see; ignored for operators.
	Actors []string `yaml:"actors"`
	// Name identifies the holder in logs (never the token itself).
	Name string `yaml:"name"`
}

// Allows reports whether the token may see handle's data.
func (t AdminToken) Allows(handle string) bool {
	return t.Role == RoleOperator || slices.Contains(t.Actors, handle)
}

func (c *Config) validateAdminTokens() error {
	seen := map[string]bool{}
	for i, t := range c.AdminTokens {
		if len(t.Token) < minTokenLength {
			return fmt.Errorf("admin_tokens[%d].token: shorter than %d characters (use e.g. `openssl rand -hex 32`)", i, minTokenLength)
		}
		if seen[t.Token] {
			return fmt.Errorf("admin_tokens[%d].token: used twice", i)
		}
		seen[t.Token] = true
		switch t.Role {
		case RoleOperator:
		case RolePublisher:
			if len(t.Actors) == 0 {
				return fmt.Errorf("admin_tokens[%d].actors: a publisher token needs at least one actor", i)
			}
			for _, h := range t.Actors {
				if !slices.ContainsFunc(c.Feeds, func(f Feed) bool { return f.Handle == h }) {
					return fmt.Errorf("admin_tokens[%d].actors: %q is not a feed handle", i, h)
				}
			}
		default:
			return fmt.Errorf("admin_tokens[%d].role: %q is not operator or publisher", i, t.Role)
		}
	}
	return nil
}
