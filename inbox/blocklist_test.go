package inbox

import (
	"strings"
	"testing"
)

func TestParseBlocklist(t *testing.T) {
	tests := []struct {
		name    string
		csv     string
		want    []string
		wantErr bool
	}{
		{name: "Mastodon export", csv: "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n" +
			"spam.example,suspend,true,true,spam,false\nloud.example,silence,false,false,,false\nnoop.example,noop,false,false,,false\n" +
			"Evil.Example,suspend,false,false,\"comment, with comma\",false\nhid*.example,suspend,false,false,,true\n",
			want: []string{"spam.example", "evil.example"}},
		{name: "columns in another order", csv: "#severity,#domain\nsuspend,a.example\nsilence,b.example\n", want: []string{"a.example"}},
		{name: "bare list", csv: "a.example\nb.example\n\n", want: []string{"a.example", "b.example"}},
		{name: "unterminated quote", csv: "#domain\n\"a.example\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseBlocklist(strings.NewReader(tt.csv))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if tt.wantErr {
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for _, d := range tt.want {
				if !got[d] {
					t.Errorf("%s missing from %v", d, got)
				}
			}
		})
	}
}
