// Package compose_test checks compose.yaml, the compose file of a shared
// service (PostgreSQL, two replicas, Caddy), without a Docker engine: its
// variables come from .env.example, each replica's environment must load
// as Herald's configuration, and the services must name each other
// consistently. bench.TestReplicasBehindCaddy runs its Caddyfile.
package compose_test

import (
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"herald/config"
)

// composeFile is the part of compose.yaml the checks read.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Environment map[string]string `yaml:"environment"`
		DependsOn   any               `yaml:"depends_on"`
		Networks    any               `yaml:"networks"`
	} `yaml:"services"`
	Networks map[string]struct {
		IPAM struct {
			Config []struct {
				Subnet string `yaml:"subnet"`
			} `yaml:"config"`
		} `yaml:"ipam"`
	} `yaml:"networks"`
}

// exampleEnv reads .env.example, filling the secrets it leaves empty as
// an operator would (openssl rand -hex ...).
func exampleEnv(t *testing.T) map[string]string {
	raw, err := os.ReadFile(".env.example")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for line := range strings.Lines(string(raw)) {
		line = strings.TrimSpace(line)
		key, value, ok := strings.Cut(line, "=")
		if line == "" || strings.HasPrefix(line, "#") || !ok {
			continue
		}
		if value == "" && (strings.Contains(key, "PASSWORD") || strings.Contains(key, "KEY") || strings.Contains(key, "TOKEN")) {
			value = strings.Repeat("ab", 32)
		}
		env[key] = value
	}
	return env
}

// variable is ${NAME}, ${NAME:-default} or ${NAME:?message}.
var variable = regexp.MustCompile(`\$\{([A-Z_]+)(?::([-?])([^}]*))?\}`)

// interpolate substitutes compose's variables from env; a variable that
// is neither there nor defaulted fails the test, as compose would fail.
func interpolate(t *testing.T, text string, env map[string]string) string {
	return variable.ReplaceAllStringFunc(text, func(m string) string {
		parts := variable.FindStringSubmatch(m)
		if v, ok := env[parts[1]]; ok && v != "" {
			return v
		}
		if parts[2] == "-" {
			return parts[3]
		}
		t.Errorf("compose.yaml uses %s, which .env.example does not set", parts[1])
		return ""
	})
}

func readCompose(t *testing.T) (composeFile, map[string]string) {
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env := exampleEnv(t)
	var c composeFile
	if err := yaml.Unmarshal([]byte(interpolate(t, string(raw), env)), &c); err != nil {
		t.Fatal(err)
	}
	return c, env
}

// TestComposeReplicas: both replicas' environments load as a valid
// configuration on the compose file's PostgreSQL, behind its Caddy.
func TestComposeReplicas(t *testing.T) {
	c, env := readCompose(t)
	pg := c.Services["postgres"]
	caddy := c.Services["caddy"]
	var upstreams []string
	for _, name := range []string{"herald-1", "herald-2"} {
		svc, ok := c.Services[name]
		if !ok {
			t.Fatalf("no service %s", name)
		}
		cfg, err := config.Load("", func(k string) string { return svc.Environment[k] })
		if err != nil {
			t.Fatalf("%s: its environment does not load: %v", name, err)
		}
		checkDatabase(t, name, cfg.DatabaseURL, pg.Environment)
		if cfg.BaseURL != "https://"+env["HERALD_DOMAIN"] {
			t.Errorf("%s: base_url %s, want https:// and HERALD_DOMAIN", name, cfg.BaseURL)
		}
		_, port, _ := strings.Cut(cfg.Listen, ":")
		upstreams = append(upstreams, name+":"+port)
		checkTrustsCaddy(t, name, cfg, c)
	}
	if got := caddy.Environment["HERALD_REPLICAS"]; got != strings.Join(upstreams, " ") {
		t.Errorf("caddy's HERALD_REPLICAS %q, want the replicas %q", got, strings.Join(upstreams, " "))
	}
	if caddy.Environment["HERALD_DOMAIN"] != env["HERALD_DOMAIN"] {
		t.Errorf("caddy serves %q, want HERALD_DOMAIN", caddy.Environment["HERALD_DOMAIN"])
	}
	if !strings.HasPrefix(pg.Image, "postgres:") || pg.Image < "postgres:14" {
		t.Errorf("postgres image %q: Herald needs PostgreSQL 14 or newer", pg.Image)
	}
}

// checkDatabase: the replica's database_url names the postgres service
// with the user, password and database it creates.
func checkDatabase(t *testing.T, name, databaseURL string, pg map[string]string) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		t.Fatalf("%s: database_url: %v", name, err)
	}
	password, _ := u.User.Password()
	if u.Hostname() != "postgres" || u.User.Username() != pg["POSTGRES_USER"] || password != pg["POSTGRES_PASSWORD"] ||
		strings.TrimPrefix(u.Path, "/") != pg["POSTGRES_DB"] {
		t.Errorf("%s: database_url %s does not name the postgres service's database, user and password", name, databaseURL)
	}
}

// checkTrustsCaddy: the replica believes the X-Forwarded-For of Caddy's
// fixed address, which lies in the compose network.
func checkTrustsCaddy(t *testing.T, name string, cfg *config.Config, c composeFile) {
	nets, _ := c.Services["caddy"].Networks.(map[string]any)
	herald, _ := nets["herald"].(map[string]any)
	addr, err := netip.ParseAddr(herald["ipv4_address"].(string))
	if err != nil {
		t.Fatalf("caddy's ipv4_address: %v", err)
	}
	subnet := netip.MustParsePrefix(c.Networks["herald"].IPAM.Config[0].Subnet)
	if !subnet.Contains(addr) {
		t.Errorf("caddy's address %s is outside the network %s", addr, subnet)
	}
	for _, p := range cfg.TrustedProxyPrefixes() {
		if p.Contains(addr) {
			return
		}
	}
	t.Errorf("%s trusts %v, not caddy's %s: every client would count as caddy", name, cfg.TrustedProxies, addr)
}
