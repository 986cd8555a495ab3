package outbound

import "testing"

func TestHostOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://Mastodon.Example/inbox", "mastodon.example"},
		{"http://127.0.0.2:8080/users/a/inbox", "127.0.0.2:8080"},
		{"https://user@host.example", "host.example"},
		{"not a url", "not a url"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := HostOf(tt.in); got != tt.want {
				t.Errorf("HostOf = %q, want %q", got, tt.want)
			}
		})
	}
}
