package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOperatorKeys(t *testing.T) {
	const base = "base_url: https://news.example\nfeeds: [{handle: news, url: 'https://example.org/feed'}]\n"
	dir := t.TempDir()
	privacy, age := filepath.Join(dir, "privacy.md"), filepath.Join(dir, "age.txt")
	os.WriteFile(privacy, []byte("\n# Our policy\n\nWe keep little.\n"), 0o600)
	os.WriteFile(age, []byte("Sixteen and over."), 0o600)
	cfg, err := Load(writeConfig(t, base+"operator: {name: ' Ministerie ', contact: privacy@example.org, language: nl, privacy_policy_file: "+
		privacy+", minimum_age_policy_file: "+age+"}\n"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	o := cfg.Operator
	if o.Name != "Ministerie" || o.ContactEmail() != "privacy@example.org" || o.ContactURL() != "" || o.Lang() != "nl" ||
		o.PrivacyPolicy != "# Our policy\n\nWe keep little." || o.MinimumAgePolicy != "Sixteen and over." {
		t.Fatalf("operator = %+v", o)
	}
	cfg, err = Load(writeConfig(t, base), env(map[string]string{
		"HERALD_OPERATOR_NAME": "Gemeente", "HERALD_OPERATOR_CONTACT": "https://example.org/contact",
		"HERALD_PRIVACY_POLICY_FILE": privacy,
	}))
	if err != nil || cfg.Operator.Name != "Gemeente" || cfg.Operator.ContactURL() != "https://example.org/contact" ||
		cfg.Operator.Lang() != "en" || cfg.Operator.PrivacyPolicy == "" || cfg.Operator.MinimumAgePolicy != "" {
		t.Fatalf("env: %+v %v", cfg.Operator, err)
	}

	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, []byte(" \n"), 0o600)
	for _, c := range []struct{ yaml, key string }{
		{"operator: {contact: 'not an address'}", "operator.contact"},
		{"operator: {contact: 'ftp://example.org'}", "operator.contact"},
		{"operator: {language: 'en_GB'}", "operator.language"},
		{"operator: {privacy_policy_file: " + filepath.Join(dir, "missing") + "}", "operator.privacy_policy_file"},
		{"operator: {minimum_age_policy_file: " + empty + "}", "operator.minimum_age_policy_file"},
	} {
		_, err := Load(writeConfig(t, base+c.yaml+"\n"), env(nil))
		if err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%s: error %v does not name %s", c.yaml, err, c.key)
		}
	}
}
