package pgtest

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// errNotInstalled is returned by findBinDir when no usable PostgreSQL is
// installed; the tests are skipped then (or fail in CI).
type errNotInstalled struct{ reason string }

func (e errNotInstalled) Error() string { return e.reason }

// binDirGlobs are where distributions put the server binaries, one
// directory per major version: Debian and Ubuntu, then RHEL and Fedora.
var binDirGlobs = []string{"/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin"}

// findBinDir returns a directory holding initdb and postgres of
// PostgreSQL minMajor or newer: the one of the initdb on PATH (following
// symbolic links), else the newest of binDirGlobs.
func findBinDir() (string, error) {
	var dirs []string
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			dirs = append(dirs, filepath.Dir(real))
		}
	}
	var versioned []string
	for _, g := range binDirGlobs {
		matches, _ := filepath.Glob(g) // the patterns are valid
		versioned = append(versioned, matches...)
	}
	slices.SortFunc(versioned, func(a, b string) int { return cmp.Compare(dirMajor(b), dirMajor(a)) })
	dirs = append(dirs, versioned...)
	var rejected []string
	for _, dir := range dirs {
		major, err := serverMajor(dir)
		if err != nil {
			rejected = append(rejected, err.Error())
			continue
		}
		if major < minMajor {
			rejected = append(rejected, fmt.Sprintf("%s is PostgreSQL %d, older than %d", dir, major, minMajor))
			continue
		}
		return dir, nil
	}
	reason := "PostgreSQL is not installed (no initdb on PATH or in " + strings.Join(binDirGlobs, ", ") + "; apt-get install postgresql)"
	if len(rejected) > 0 {
		reason = "no usable PostgreSQL: " + strings.Join(rejected, "; ")
	}
	return "", errNotInstalled{reason}
}

// dirMajor is the major version in a path like /usr/lib/postgresql/15/bin
// or /usr/pgsql-15/bin, 0 if there is none.
func dirMajor(dir string) int {
	m := regexp.MustCompile(`(\d+)/bin$`).FindStringSubmatch(dir)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// serverMajor checks that dir holds initdb and postgres and returns the
// major version postgres reports.
func serverMajor(dir string) (int, error) {
	if _, err := os.Stat(filepath.Join(dir, "initdb")); err != nil {
		return 0, fmt.Errorf("%s: no initdb", dir)
	}
	out, err := exec.Command(filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("%s/postgres --version: %v", dir, err)
	}
	major, ok := parseMajor(string(out))
	if !ok {
		return 0, fmt.Errorf("%s/postgres --version: cannot read %q", dir, strings.TrimSpace(string(out)))
	}
	return major, nil
}

// parseMajor reads the major version from postgres --version output such
// as "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)".
func parseMajor(version string) (int, bool) {
	m := regexp.MustCompile(`\(PostgreSQL\) (\d+)`).FindStringSubmatch(version)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}
