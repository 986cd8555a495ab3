package signature

import (
	"errors"
	"slices"
	"testing"
)

func TestParseParams(t *testing.T) {
	const sig = "c2lnbmF0dXJl" // base64 of "signature"
	tests := []struct {
		name        string
		in          string
		wantKeyID   string
		wantAlgo    string
		wantHeaders []string
		wantErr     bool
	}{
		{name: "mastodon", in: `keyId="https://a.example/u#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="` + sig + `"`,
			wantKeyID: "https://a.example/u#main-key", wantAlgo: "rsa-sha256", wantHeaders: []string{"(request-target)", "host", "date", "digest"}},
		{name: "whitespace and folding", in: "keyId = \"k\" ,\talgorithm=\"hs2019\", headers=\"(request-target)  Host\tDate\", signature=\"" + sig + "\"",
			wantKeyID: "k", wantAlgo: "hs2019", wantHeaders: []string{"(request-target)", "host", "date"}},
		{name: "headers default to date", in: `keyId="k",signature="` + sig + `"`, wantKeyID: "k", wantHeaders: []string{"date"}},
		{name: "unknown parameter ignored", in: `keyId="k",foo="bar",foo=baz,signature="` + sig + `"`, wantKeyID: "k", wantHeaders: []string{"date"}},
		{name: "escaped quote and comma in keyId", in: `keyId="a\"b,c",signature="` + sig + `"`, wantKeyID: `a"b,c`, wantHeaders: []string{"date"}},
		{name: "created and expires as tokens", in: `keyId="k",created=1700000000,expires=1700000300,headers="(created) (expires) date",signature="` + sig + `"`,
			wantKeyID: "k", wantHeaders: []string{"(created)", "(expires)", "date"}},
		{name: "empty", in: "", wantErr: true},
		{name: "garbage", in: "garbage", wantErr: true},
		{name: "missing keyId", in: `signature="` + sig + `"`, wantErr: true},
		{name: "missing signature", in: `keyId="k"`, wantErr: true},
		{name: "empty signature", in: `keyId="k",signature=""`, wantErr: true},
		{name: "duplicate keyId", in: `keyId="k",keyId="j",signature="` + sig + `"`, wantErr: true},
		{name: "unterminated quote", in: `keyId="k,signature="` + sig, wantErr: true},
		{name: "trailing comma", in: `keyId="k",signature="` + sig + `",`, wantErr: true},
		{name: "missing comma", in: `keyId="k" signature="` + sig + `"`, wantErr: true},
		{name: "signature not base64", in: `keyId="k",signature="not base64!"`, wantErr: true},
		{name: "empty headers", in: `keyId="k",headers="",signature="` + sig + `"`, wantErr: true},
		{name: "header name not a token", in: `keyId="k",headers="date x:y",signature="` + sig + `"`, wantErr: true},
		{name: "(created) without parameter", in: `keyId="k",headers="(created)",signature="` + sig + `"`, wantErr: true},
		{name: "created not a number", in: `keyId="k",created="soon",signature="` + sig + `"`, wantErr: true},
		{name: "control character", in: "keyId=\"k\x00\",signature=\"" + sig + "\"", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseParams(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("parseParams err = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseParams: %v", err)
			}
			if p.keyID != tt.wantKeyID || p.algorithm != tt.wantAlgo || !slices.Equal(p.headers, tt.wantHeaders) {
				t.Errorf("parseParams = keyId %q, algorithm %q, headers %q", p.keyID, p.algorithm, p.headers)
			}
			if string(p.signature) != "signature" {
				t.Errorf("signature = %q", p.signature)
			}
		})
	}
}

func TestParamsFormatRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   params
	}{
		{"sign output", params{keyID: "https://a.example/u#k", algorithm: "rsa-sha256",
			headers: []string{"(request-target)", "host", "date", "digest"}, signature: []byte{1, 2, 3}}},
		{"created and expires", params{keyID: "k", headers: []string{"(created)", "(expires)"},
			signature: []byte{4}, created: 1700000000, expires: 1700000300}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseParams(tt.in.format())
			if err != nil {
				t.Fatalf("parseParams(%q): %v", tt.in.format(), err)
			}
			if got.keyID != tt.in.keyID || got.algorithm != tt.in.algorithm || !slices.Equal(got.headers, tt.in.headers) ||
				!slices.Equal(got.signature, tt.in.signature) || got.created != tt.in.created || got.expires != tt.in.expires {
				t.Errorf("round trip = %+v, want %+v", got, tt.in)
			}
		})
	}
}
