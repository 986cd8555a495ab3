package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"herald/app"
	"herald/feededits"
	"io"
	"net/http"
	"strings"
	"time"

	"herald/admin"
	"herald/config"
	"herald/delivery"
	"herald/relays"
	"herald/store"
)

// source is where the admin commands read from: a stopped server's data
// directory, or a running server's admin API.
type source interface {
	Actors() ([]admin.ActorStatus, error)
	Actor(handle string) (admin.ActorStatus, error)
	Followers(handle string) ([]store.Follower, error)
	Queue() (delivery.QueueStatus, error)
	Relays() ([]relays.Status, error)
	Backup(w io.Writer) error
	Close() error
}

// dirSource reads the store of a stopped server: its data directory, or
// its PostgreSQL database (database_url), which may be read while it runs.
type dirSource struct {
	cfg   *config.Config
	store app.OpenedStore
}

func openDir(cfg *config.Config) (*dirSource, error) {
	st, err := app.OpenStore(context.Background(), cfg)
	if app.IsLocked(err) {
		return nil, fmt.Errorf("herald is running on %s: ask it instead with --server URL and --token TOKEN (or HERALD_ADMIN_TOKEN)", cfg.DataDir)
	}
	if err != nil {
		return nil, err
	}
	if edits, ok := st.(feededits.Store); ok { // PostgreSQL: the admin API's feed edits hold too
		list, err := edits.FeedEdits()
		if err != nil {
			st.Close()
			return nil, err
		}
		cfg, _ = feededits.Apply(cfg, list)
	}
	return &dirSource{cfg: cfg, store: st}, nil
}

func (d *dirSource) Actors() ([]admin.ActorStatus, error) {
	var out []admin.ActorStatus
	for _, f := range d.cfg.Feeds {
		s, err := d.Actor(f.Handle)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (d *dirSource) Actor(handle string) (admin.ActorStatus, error) {
	for _, f := range d.cfg.Feeds {
		if f.Handle == handle {
			return admin.ReadActorStatus(d.store, d.cfg, f)
		}
	}
	return admin.ActorStatus{}, fmt.Errorf("no feed with handle %q in the config", handle)
}

func (d *dirSource) Followers(handle string) ([]store.Follower, error) {
	if _, err := d.Actor(handle); err != nil {
		return nil, err
	}
	return d.store.Followers(handle)
}

func (d *dirSource) Queue() (delivery.QueueStatus, error) {
	return delivery.ReadQueueStatus(d.store, time.Now())
}

func (d *dirSource) Relays() ([]relays.Status, error) {
	return relays.ReadStatuses(d.store, d.cfg)
}

func (d *dirSource) Backup(w io.Writer) error {
	_, err := d.store.Backup(w)
	return err
}

func (d *dirSource) Close() error { return d.store.Close() }

// apiSource asks a running server's admin API.
type apiSource struct {
	base   string
	token  string
	client *http.Client
}

func (a *apiSource) get(path string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, a.base+"/admin/api"+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		var e struct {
			Error string `json:"error"`
		}
		_ = json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&e)
		return nil, fmt.Errorf("GET %s: HTTP %d %s", path, resp.StatusCode, e.Error)
	}
	return resp, nil
}

func (a *apiSource) getJSON(path string, v any) error {
	resp, err := a.get(path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(v)
}

func (a *apiSource) Actors() (out []admin.ActorStatus, err error) {
	return out, a.getJSON("/actors", &out)
}

func (a *apiSource) Actor(handle string) (s admin.ActorStatus, err error) {
	return s, a.getJSON("/actors/"+handle, &s)
}

func (a *apiSource) Followers(handle string) (out []store.Follower, err error) {
	return out, a.getJSON("/actors/"+handle+"/followers", &out)
}

func (a *apiSource) Queue() (q delivery.QueueStatus, err error) {
	return q, a.getJSON("/deliveries", &q)
}

func (a *apiSource) Relays() ([]relays.Status, error) {
	var out admin.RelaysStatus
	err := a.getJSON("/relays", &out)
	return out.Relays, err
}

func (a *apiSource) Backup(w io.Writer) error {
	resp, err := a.get("/backup")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("backup cut short: %d of %d bytes", n, resp.ContentLength)
	}
	return err
}

func (a *apiSource) Close() error { return nil }

func newAPISource(server, token string) (*apiSource, error) {
	if token == "" {
		return nil, errors.New("--server needs --token TOKEN or HERALD_ADMIN_TOKEN")
	}
	return &apiSource{base: strings.TrimRight(server, "/"), token: token, client: &http.Client{Timeout: 5 * time.Minute}}, nil
}
