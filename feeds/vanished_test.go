package feeds

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

func TestVanished(t *testing.T) {
	at := func(min int) time.Time { return time.Date(2026, 11, 26, 1, min, 0, 0, time.UTC) }
	item := func(key string, min int) Item {
		it := Item{Key: key}
		if min >= 0 {
			it.Published = at(min)
		}
		return it
	}
	known := map[string]time.Time{"old": at(1), "edge": at(10), "mid": at(20), "new": at(30), "listed": at(40)}
	for _, c := range []struct {
		name  string
		items []Item
		want  []string
	}{
		{"window from the oldest dated item", []Item{item("listed", 40), item("x", 10)}, []string{"new", "mid", "edge"}},
		{"everything listed", []Item{item("old", 1), item("edge", 10), item("mid", 20), item("new", 30), item("listed", 40)}, nil},
		{"scrolled out only", []Item{item("listed", 40), item("new", 30), item("y", 25)}, nil},
		{"undated items ignored for the window", []Item{item("listed", 40), item("u", -1), item("z", 21)}, []string{"new"}},
		{"no dated item covers nothing", []Item{item("u", -1)}, nil},
		{"empty feed covers nothing", nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Vanished(known, c.items); !slices.Equal(got, c.want) {
				t.Errorf("Vanished = %v, want %v", got, c.want)
			}
		})
	}
}

func TestGone(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.WriteHeader(http.StatusOK)
		case "/moved":
			http.Redirect(w, r, "/missing", http.StatusMovedPermanently)
		case "/gone":
			w.WriteHeader(http.StatusGone)
		case "/down":
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	f := &Fetcher{Client: srv.Client()}
	for _, c := range []struct {
		path    string
		gone    bool
		wantErr bool
	}{
		{"/ok", false, false}, {"/missing", true, false}, {"/moved", true, false}, {"/gone", true, false}, {"/down", false, true},
	} {
		t.Run(c.path, func(t *testing.T) {
			gone, err := f.Gone(t.Context(), srv.URL+c.path)
			if gone != c.gone || (err != nil) != c.wantErr {
				t.Errorf("Gone = %v, %v; want %v, error %v", gone, err, c.gone, c.wantErr)
			}
		})
	}
}
