package admin

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"herald/config"
	"herald/respond"
)

// ConfigEditor changes the config file Herald was started with and reloads
// it (cmd/herald provides it; nil when there is no file to edit). Each
// method validates the edited file as Herald would load it and returns an
// error wrapping ErrConfigEdit when the edit is refused (that error's text
// is safe to show to the client).
type ConfigEditor interface {
	AddFeed(handle, url string) error
	UpdateFeed(handle string, fields map[string]string) error
	RemoveFeed(handle string) error
}

// ErrConfigEdit marks an edit that the config refuses (duplicate handle,
// invalid URL, last feed, ...).
var ErrConfigEdit = errors.New("config edit refused")

// feedEdit is the body of POST /admin/api/feeds and PATCH /admin/api/actors/{handle}.
type feedEdit struct {
	Handle  string `json:"handle"`
	URL     string `json:"url"`
	Name    string `json:"name"`
	Summary string `json:"summary"`
}

// handleAddFeed answers POST /admin/api/feeds (operators only): the
// feed is added to the config file, which is then reloaded (202).
func (a *Admin) handleAddFeed(w http.ResponseWriter, r *http.Request, _ config.AdminToken) {
	var e feedEdit
	if !a.readEdit(w, r, &e) {
		return
	}
	a.applyEdit(w, r, func() error { return a.o.Editor.AddFeed(strings.ToLower(e.Handle), e.URL) })
}

// handleUpdateFeed answers PATCH /admin/api/actors/{handle}: url, name
// and summary, each when given. Publishers may edit their own actors.
func (a *Admin) handleUpdateFeed(w http.ResponseWriter, r *http.Request, tok config.AdminToken) {
	handle, ok := a.canSee(w, r, tok)
	if !ok {
		return
	}
	var e feedEdit
	if !a.readEdit(w, r, &e) {
		return
	}
	fields := map[string]string{}
	for key, v := range map[string]string{"url": e.URL, "name": e.Name, "summary": e.Summary} {
		if v != "" {
			fields[key] = v
		}
	}
	a.applyEdit(w, r, func() error { return a.o.Editor.UpdateFeed(handle, fields) })
}

// handleRemoveFeed answers DELETE /admin/api/actors/{handle}
// (operators only). The account's data stays in the database.
func (a *Admin) handleRemoveFeed(w http.ResponseWriter, r *http.Request, _ config.AdminToken) {
	handle, ok := a.knownHandle(r)
	if !ok {
		respond.Error(w, http.StatusNotFound, "no such actor")
		return
	}
	a.applyEdit(w, r, func() error { return a.o.Editor.RemoveFeed(handle) })
}

func (a *Admin) readEdit(w http.ResponseWriter, r *http.Request, e *feedEdit) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(e); err != nil {
		respond.Error(w, http.StatusBadRequest, "body must be a JSON object: handle, url, name, summary")
		return false
	}
	return true
}

// applyEdit runs edit and answers 202 (the reload follows), 400 for a
// refused edit, 409 when there is no config file to edit.
func (a *Admin) applyEdit(w http.ResponseWriter, r *http.Request, edit func() error) {
	if a.o.Editor == nil {
		respond.Error(w, http.StatusConflict, "this server was started without a config file: edit its HERALD_* variables instead")
		return
	}
	err := edit()
	switch {
	case errors.Is(err, ErrConfigEdit):
		respond.Error(w, http.StatusBadRequest, err.Error())
	case err != nil:
		respond.InternalError(w, a.o.Log, r, err)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"status":"saved; the configuration is being reloaded"}` + "\n"))
	}
}
