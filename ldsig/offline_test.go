package ldsig_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"herald/ldsig"
)

// TestUnknownContextNotFetched: a remote context that is not embedded is an
// error wherever the document names it, and no request is made for it.
func TestUnknownContextNotFetched(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("ldsig fetched %s", r.URL)
		w.Header().Set("Content-Type", "application/ld+json")
		_, _ = w.Write([]byte(`{"@context":{"content":"https://evil.example/ns#content"}}`))
	}))
	defer srv.Close()
	remote := srv.URL + "/ns.jsonld"

	doc := golden(t, "create.json")
	signed := sign(t, doc)
	cases := []struct {
		name   string
		change func(m map[string]any)
	}{
		{"top-level context", func(m map[string]any) { m["@context"] = []any{"https://www.w3.org/ns/activitystreams", remote} }},
		{"context of the object", func(m map[string]any) { objectOf(m)["@context"] = remote }},
		{"scoped context of a term", func(m map[string]any) {
			m["@context"] = []any{"https://www.w3.org/ns/activitystreams", map[string]any{
				"object": map[string]any{"@id": "as:object", "@context": remote},
			}}
		}},
		{"http ActivityStreams", func(m map[string]any) { m["@context"] = "http://www.w3.org/ns/activitystreams" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ldsig.Sign(edit(t, doc, tc.change), newsKeyID, newsKey(t), signedAt)
			if !errors.Is(err, ldsig.ErrUnknownContext) || !errors.Is(err, ldsig.ErrNormalize) {
				t.Errorf("Sign: %v, want ErrNormalize with ErrUnknownContext", err)
			}
			_, err = ldsig.Verify(edit(t, signed, tc.change), &newsKey(t).PublicKey)
			if !errors.Is(err, ldsig.ErrUnknownContext) {
				t.Errorf("Verify: %v, want ErrUnknownContext", err)
			}
		})
	}
}
