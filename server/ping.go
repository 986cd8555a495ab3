package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"herald/intake"
	"herald/respond"
	"herald/xmlrpc"
)

// maxPingBody bounds a ping request body.
const maxPingBody = 64 << 10

// XML-RPC fault codes Herald answers with.
const (
	faultUnknownSite   = 404
	faultBadRequest    = -32600 // invalid XML-RPC request
	faultUnknownMethod = -32601 // method not found
)

// handlePing answers POST /ping: the "Update Services" URL a WordPress site
// pings on every publish (XML-RPC weblogUpdates.extendedPing, falling back
// to weblogUpdates.ping), and a plain API for other systems
// (POST /ping?url=HOME_OR_FEED_URL, or the same as a form field). Either way
// the feeds of the named site are polled at once, at most once per
// PingInterval per feed.
func (s *Server) handlePing(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPingBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		respond.Error(w, http.StatusRequestEntityTooLarge, "body over 64 KiB")
		return
	}
	if err != nil {
		respond.Error(w, http.StatusBadRequest, "unreadable body")
		return
	}
	if isXMLRPC(r, body) {
		s.answerXMLRPCPing(w, body)
		return
	}
	s.answerPlainPing(w, r, string(body))
}

// isXMLRPC tells an XML-RPC call from a plain ping: WordPress sends
// Content-Type text/xml.
func isXMLRPC(r *http.Request, body []byte) bool {
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	trimmed := strings.TrimSpace(string(body[:min(len(body), 64)]))
	return strings.Contains(ct, "xml") || strings.HasPrefix(trimmed, "<")
}

func (s *Server) answerXMLRPCPing(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	call, err := xmlrpc.ParseCall(body)
	if err != nil {
		_, _ = w.Write(xmlrpc.Fault(faultBadRequest, "not an XML-RPC method call"))
		return
	}
	var urls []string
	switch call.Method {
	case "weblogUpdates.extendedPing", "weblogUpdates.ping":
		// (name, home URL[, changes URL][, feed URL]): every URL counts.
		if len(call.Params) < 2 {
			_, _ = w.Write(xmlrpc.Fault(faultBadRequest, call.Method+" needs a name and a URL"))
			return
		}
		urls = call.Params[1:]
	default:
		_, _ = w.Write(xmlrpc.Fault(faultUnknownMethod, "unknown method "+call.Method))
		return
	}
	handles, deferred, accepted := s.o.Intake.Notify("xmlrpc "+call.Method, urls...)
	if len(handles) == 0 {
		_, _ = w.Write(xmlrpc.Fault(faultUnknownSite, "no feed of this site is served here"))
		return
	}
	msg := "Thanks for the ping: fetching the feed now."
	switch {
	case !accepted:
		msg = "Thanks for the ping: the feed is not being fetched now (paused or stopping)."
	case deferred > 0:
		msg = "Thanks for the ping: the feed will be fetched in " + deferred.Round(time.Second).String() + "."
	}
	_, _ = w.Write(xmlrpc.Response(xmlrpc.Member{Name: "flerror", Value: false}, xmlrpc.Member{Name: "message", Value: msg}))
}

// pingAccepted is the body of a 202 to a plain ping.
type pingAccepted struct {
	// FetchAt is when the fetch runs: now, or the end of the ping interval
	// when the feed was fetched for a ping moments ago.
	FetchAt time.Time `json:"fetch_at"`
	// Coalesced is true when the ping joined a fetch already scheduled.
	Coalesced bool `json:"coalesced"`
}

// answerPlainPing: 202 with when the fetch runs (now, or, when the feed
// was fetched for a ping moments ago, at the end of the interval: the ping
// joins the fetch already scheduled); 429 with Retry-After when no fetch
// follows (the feed is paused, or Herald is stopping); 404 for a site
// Herald does not serve.
func (s *Server) answerPlainPing(w http.ResponseWriter, r *http.Request, body string) {
	target := r.URL.Query().Get("url")
	if target == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if form, err := url.ParseQuery(body); err == nil {
			target = form.Get("url")
		}
	} else if target == "" {
		target = strings.TrimSpace(body)
	}
	if !intake.IsSiteURL(target) {
		respond.Error(w, http.StatusBadRequest, "url parameter required: the site's home page or feed URL")
		return
	}
	handles, deferred, accepted := s.o.Intake.Notify("api", target)
	switch {
	case len(handles) == 0:
		respond.Error(w, http.StatusNotFound, "no feed of this site is served here")
	case !accepted:
		w.Header().Set("Retry-After", strconv.Itoa(int(s.o.Intake.PingInterval()/time.Second)+1))
		respond.Error(w, http.StatusTooManyRequests, "the feed is not being fetched now (paused, disabled or Herald is stopping)")
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(pingAccepted{FetchAt: s.o.Now().Add(deferred).UTC(), Coalesced: deferred > 0})
	}
}
