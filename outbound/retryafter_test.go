package outbound

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 1, 33, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{name: "none", want: 0},
		{name: "seconds", header: map[string]string{"Retry-After": "120"}, want: 2 * time.Minute},
		{name: "seconds with spaces", header: map[string]string{"Retry-After": " 5 "}, want: 5 * time.Second},
		{name: "zero", header: map[string]string{"Retry-After": "0"}, want: 0},
		{name: "negative", header: map[string]string{"Retry-After": "-5"}, want: 0},
		{name: "huge", header: map[string]string{"Retry-After": "99999999999999999"}, want: 0},
		{name: "garbage", header: map[string]string{"Retry-After": "soon"}, want: 0},
		{name: "date from now", header: map[string]string{"Retry-After": "Thu, 26 Nov 2026 01:35:00 GMT"}, want: 2 * time.Minute},
		{name: "date from server Date", header: map[string]string{
			"Retry-After": "Thu, 26 Nov 2026 01:35:00 GMT", "Date": "Thu, 26 Nov 2026 01:34:30 GMT"}, want: 30 * time.Second},
		{name: "date in the past", header: map[string]string{"Retry-After": "Thu, 26 Nov 2026 01:00:00 GMT"}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			if got := RetryAfter(h, now); got != tt.want {
				t.Errorf("RetryAfter = %s, want %s", got, tt.want)
			}
		})
	}
}
