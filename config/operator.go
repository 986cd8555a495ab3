package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxPolicyFile is the largest policy file Herald reads: a policy is a page
// of text, not a document store.
const maxPolicyFile = 256 << 10

// languageTag is a BCP 47 language tag as far as the HTML lang attribute
// needs it: a primary language and optional subtags.
var languageTag = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// Operator says who runs this Herald and which policies it publishes (YAML
// key "operator"). The server page (/about), the privacy policy
// (/about/privacy) and the minimum-age policy (/about/minimum-age) show it,
// and NodeInfo names it.
type Operator struct {
	// Name is the organisation that runs the service; "" shows the host.
	Name string `yaml:"name"`
	// Contact is an email address or an http(s) URL where people reach the
	// operator (for export or erasure requests too); "" means none given.
	Contact string `yaml:"contact"`
	// Language is the language of the public pages (the HTML lang
	// attribute): the defaults are English, so set it when the policy
	// files are in another language. "" means "en".
	Language string `yaml:"language"`
	// PrivacyPolicyFile is a UTF-8 text file with the operator's own
	// privacy policy, replacing Herald's default; "" means the default.
	PrivacyPolicyFile string `yaml:"privacy_policy_file"`
	// MinimumAgePolicyFile is the same for the minimum-age policy.
	MinimumAgePolicyFile string `yaml:"minimum_age_policy_file"`

	// PrivacyPolicy and MinimumAgePolicy hold the files' text, read when
	// the configuration is validated (so a reload re-reads them); "" means
	// Herald's default text.
	PrivacyPolicy    string `yaml:"-"`
	MinimumAgePolicy string `yaml:"-"`
}

// Lang returns Language or its default, "en".
func (o Operator) Lang() string {
	if o.Language == "" {
		return "en"
	}
	return o.Language
}

// ContactEmail returns Contact when it is an email address, else "".
func (o Operator) ContactEmail() string {
	if strings.Contains(o.Contact, "://") {
		return ""
	}
	return o.Contact
}

// ContactURL returns Contact when it is a URL, else "".
func (o Operator) ContactURL() string {
	if strings.Contains(o.Contact, "://") {
		return o.Contact
	}
	return ""
}

// validate checks the operator keys and reads the policy files.
func (o *Operator) validate() error {
	o.Name = strings.TrimSpace(o.Name)
	o.Contact = strings.TrimSpace(o.Contact)
	if err := validContact(o.Contact); err != nil {
		return fmt.Errorf("operator.contact: %w", err)
	}
	if o.Language != "" && !languageTag.MatchString(o.Language) {
		return fmt.Errorf("operator.language: %q is not a language tag (e.g. en, nl, en-GB)", o.Language)
	}
	var err error
	if o.PrivacyPolicy, err = readPolicy(o.PrivacyPolicyFile); err != nil {
		return fmt.Errorf("operator.privacy_policy_file: %w", err)
	}
	if o.MinimumAgePolicy, err = readPolicy(o.MinimumAgePolicyFile); err != nil {
		return fmt.Errorf("operator.minimum_age_policy_file: %w", err)
	}
	return nil
}

// validContact accepts "", a bare email address or an http(s) URL.
func validContact(c string) error {
	if c == "" {
		return nil
	}
	if strings.Contains(c, "://") {
		u, err := url.Parse(c)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("%q is not an http(s) URL", c)
		}
		return nil
	}
	a, err := mail.ParseAddress(c)
	if err != nil || a.Address != c {
		return fmt.Errorf("%q is neither an email address nor an http(s) URL", c)
	}
	return nil
}

// readPolicy returns the text of the policy file at path ("" for none).
func readPolicy(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	switch text := strings.TrimSpace(string(raw)); {
	case len(raw) > maxPolicyFile:
		return "", fmt.Errorf("%s is larger than %d KiB", path, maxPolicyFile>>10)
	case !utf8.ValidString(text):
		return "", fmt.Errorf("%s is not UTF-8 text", path)
	case text == "":
		return "", fmt.Errorf("%s is empty", path)
	default:
		return text, nil
	}
}
