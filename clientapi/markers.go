package clientapi

import (
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"herald/oauth"
	"herald/respond"
)

// markerTimelines are the timelines Mastodon keeps markers of.
var markerTimelines = []string{"home", "notifications"}

// Marker is Mastodon's Marker entity: where the account last read a
// timeline.
type Marker struct {
	LastReadID string `json:"last_read_id"`
	Version    int    `json:"version"`
	UpdatedAt  string `json:"updated_at"`
}

// handleMarkers answers GET /api/v1/markers?timeline[]=: the account's
// markers of the timelines asked (home, notifications) that were saved,
// by timeline. Herald keeps them per account, so every app signed in to
// it shares them.
func (a *API) handleMarkers(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	saved, err := a.o.Store.Markers(access.Handle)
	if err != nil {
		respond.InternalError(w, a.o.Log, r, err)
		return
	}
	out := map[string]Marker{}
	for _, tl := range listParam(r.URL.Query(), "timeline") {
		if m, ok := saved[tl]; ok && slices.Contains(markerTimelines, tl) {
			out[tl] = Marker{LastReadID: formatID(m.LastReadID), Version: m.Version, UpdatedAt: m.Updated.UTC().Format(timeFormat)}
		}
	}
	writeJSON(w, out)
}

// handleSetMarkers answers POST /api/v1/markers: home[last_read_id] and
// notifications[last_read_id] (a form, or a JSON object of objects) move
// the account's markers; the answer is the markers moved. An id that is
// not a number is 422, as Mastodon's validation.
func (a *API) handleSetMarkers(w http.ResponseWriter, r *http.Request, access oauth.Access) {
	asked, err := readMarkerParams(w, r)
	if err != nil {
		respond.Error(w, http.StatusBadRequest, err.Error())
		return
	}
	out := map[string]Marker{}
	for _, tl := range markerTimelines {
		raw, ok := asked[tl]
		if !ok {
			continue
		}
		id, err := strconv.ParseUint(raw, 10, 63)
		if err != nil {
			respond.Error(w, http.StatusUnprocessableEntity, "Validation failed: Last read can't be blank")
			return
		}
		m, err := a.o.Store.SetMarker(access.Handle, tl, id, a.o.Now())
		if err != nil {
			respond.InternalError(w, a.o.Log, r, err)
			return
		}
		out[tl] = Marker{LastReadID: formatID(m.LastReadID), Version: m.Version, UpdatedAt: m.Updated.UTC().Format(timeFormat)}
	}
	writeJSON(w, out)
}

// readMarkerParams returns the last_read_id asked for each timeline.
func readMarkerParams(w http.ResponseWriter, r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		var body map[string]struct {
			LastReadID json.RawMessage `json:"last_read_id"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body); err != nil {
			return nil, err
		}
		for tl, m := range body {
			var s string
			if json.Unmarshal(m.LastReadID, &s) != nil {
				s = string(m.LastReadID) // a number
			}
			out[tl] = s
		}
		return out, nil
	}
	params, err := oauth.ReadParams(w, r)
	if err != nil {
		return nil, err
	}
	for _, tl := range markerTimelines {
		if v, ok := params[tl+"[last_read_id]"]; ok && len(v) > 0 {
			out[tl] = v[0]
		}
	}
	return out, nil
}
