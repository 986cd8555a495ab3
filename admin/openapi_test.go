package admin_test

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"herald/apptest"
	"herald/config"
)

// openAPI is the part of docs/openapi.yaml the test reads.
type openAPI struct {
	Paths      map[string]map[string]apiOperation `yaml:"paths"`
	Components struct {
		Responses map[string]apiResponse `yaml:"responses"`
		Schemas   map[string]*apiSchema  `yaml:"schemas"`
	} `yaml:"components"`
}

type apiOperation struct {
	// Reloads marks operations that edit the config file and reload it:
	// cmd/herald's binary test covers them (this harness has no file).
	Reloads   bool                   `yaml:"x-reloads"`
	Responses map[string]apiResponse `yaml:"responses"`
}

type apiResponse struct {
	Ref     string                                 `yaml:"$ref"`
	Content map[string]struct{ Schema *apiSchema } `yaml:"content"`
}

type apiSchema struct {
	Ref        string                `yaml:"$ref"`
	Type       string                `yaml:"type"`
	Required   []string              `yaml:"required"`
	Properties map[string]*apiSchema `yaml:"properties"`
	Items      *apiSchema            `yaml:"items"`
}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	raw, err := os.ReadFile("../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var spec openAPI
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	return &spec
}

func (s *openAPI) response(r apiResponse) apiResponse {
	if r.Ref != "" {
		return s.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
	}
	return r
}

func (s *openAPI) schema(sc *apiSchema) *apiSchema {
	if sc != nil && sc.Ref != "" {
		return s.Components.Schemas[strings.TrimPrefix(sc.Ref, "#/components/schemas/")]
	}
	return sc
}

// check reports where v does not match the schema (types, required keys).
func (s *openAPI) check(path string, v any, sc *apiSchema) []string {
	sc = s.schema(sc)
	if sc == nil {
		return nil
	}
	switch sc.Type {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return []string{path + ": not an object"}
		}
		var bad []string
		for _, k := range sc.Required {
			if _, ok := obj[k]; !ok {
				bad = append(bad, path+"."+k+": required but missing")
			}
		}
		for k, val := range obj {
			if p, ok := sc.Properties[k]; ok {
				bad = append(bad, s.check(path+"."+k, val, p)...)
			} else {
				bad = append(bad, path+"."+k+": not documented")
			}
		}
		return bad
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return []string{path + ": not an array"}
		}
		var bad []string
		for i, it := range arr {
			bad = append(bad, s.check(path+"["+strconv.Itoa(i)+"]", it, sc.Items)...)
		}
		return bad
	case "integer":
		if f, ok := v.(float64); !ok || f != float64(int64(f)) {
			return []string{path + ": not an integer"}
		}
	case "string":
		if _, ok := v.(string); !ok {
			return []string{path + ": not a string"}
		}
	}
	return nil
}

// TestOpenAPIMatchesHandlers calls every documented operation with no
// token, a publisher token and an operator token, and checks each status
// and JSON body against docs/openapi.yaml; and checks that every admin
// route is documented.
func TestOpenAPIMatchesHandlers(t *testing.T) {
	spec := loadOpenAPI(t)
	feed := apptest.NewFeedServer(t, apptest.Fixture(t, "1-published.feed.rss.xml"))
	cfg := apptest.Config(t, config.Feed{Handle: "news", URL: feed.URL}, config.Feed{Handle: "weather", URL: feed.URL + "/weather"})
	cfg.AdminTokens = []config.AdminToken{
		{Token: apptest.OperatorToken, Role: config.RoleOperator},
		{Token: apptest.PublisherToken, Role: config.RolePublisher, Actors: []string{"weather"}},
	}
	apptest.Start(t, cfg, nil)

	for path, ops := range spec.Paths {
		for method, op := range ops {
			if op.Reloads {
				continue
			}
			t.Run(strings.ToUpper(method)+" "+path, func(t *testing.T) {
				checkOperation(t, spec, strings.ToUpper(method), cfg.BaseURL, path, op)
			})
		}
	}

	routes, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var undocumented []string
	matches := regexp.MustCompile(`"(GET|POST|PATCH|DELETE) (/admin/api/[^"]*|/metrics)"`).FindAllStringSubmatch(string(routes), -1)
	if len(matches) == 0 {
		t.Fatal("no admin route found in admin/routes.go")
	}
	for _, m := range matches {
		if _, ok := spec.Paths[m[2]][strings.ToLower(m[1])]; !ok {
			undocumented = append(undocumented, m[1]+" "+m[2])
		}
	}
	sort.Strings(undocumented)
	if len(undocumented) > 0 {
		t.Errorf("routes missing from docs/openapi.yaml: %v", undocumented)
	}
}

// checkOperation calls one documented operation with no token, an operator
// token and (where 403 is documented) a publisher token for another actor,
// and checks statuses, content types and JSON bodies.
func checkOperation(t *testing.T, spec *openAPI, method, base, path string, op apiOperation) {
	url := base + strings.ReplaceAll(path, "{handle}", "news")
	cases := []struct{ token, status string }{{"", "401"}, {apptest.OperatorToken, "200"}}
	if _, ok := op.Responses["403"]; ok {
		cases = append(cases, struct{ token, status string }{apptest.PublisherToken, "403"}) // news is not the publisher's
	}
	for _, c := range cases {
		documented, ok := op.Responses[c.status]
		if !ok {
			t.Fatalf("status %s is not documented", c.status)
		}
		resp, body := apptest.AdminDo(t, method, url, c.token)
		if strconv.Itoa(resp.StatusCode) != c.status {
			t.Fatalf("token %q: HTTP %d (%s), want %s", c.token[:min(len(c.token), 8)], resp.StatusCode, body, c.status)
		}
		documented = spec.response(documented)
		var contentType string
		var schema *apiSchema
		for ct, media := range documented.Content {
			contentType, schema = ct, media.Schema
		}
		if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, contentType) {
			t.Errorf("status %s: Content-Type %q, documented %q", c.status, got, contentType)
		}
		if contentType != "application/json" {
			continue
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("status %s: body is not JSON: %v", c.status, err)
		}
		for _, problem := range spec.check("body", v, schema) {
			t.Errorf("status %s: %s", c.status, problem)
		}
	}
	if _, ok := op.Responses["404"]; ok && strings.Contains(path, "{handle}") {
		resp, _ := apptest.AdminDo(t, method, base+strings.ReplaceAll(path, "{handle}", "nobody"), apptest.OperatorToken)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown actor: HTTP %d, want 404", resp.StatusCode)
		}
	}
}
