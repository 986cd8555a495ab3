package fedtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// WebFinger looks acct up at the server base (as Mastodon does when a user
// types @news@host) and returns the href of its self link of type
// application/activity+json.
func (s *Server) WebFinger(ctx context.Context, base, acct string) (string, error) {
	u := base + "/.well-known/webfinger?resource=" + url.QueryEscape("acct:"+acct)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("webfinger %s: HTTP %d", acct, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/jrd+json" {
		return "", fmt.Errorf("webfinger %s: Content-Type %q", acct, ct)
	}
	var jrd struct {
		Subject string `json:"subject"`
		Links   []struct {
			Rel, Type, Href string
		} `json:"links"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&jrd); err != nil {
		return "", err
	}
	for _, l := range jrd.Links {
		if l.Rel == "self" && l.Type == "application/activity+json" {
			return l.Href, nil
		}
	}
	return "", fmt.Errorf("webfinger %s: no self link", acct)
}

// FetchActor GETs an actor document unsigned, as any peer may, and decodes it.
func (s *Server) FetchActor(ctx context.Context, id string) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, id, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`)
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: HTTP %d", id, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/activity+json" {
		return nil, fmt.Errorf("fetch %s: Content-Type %q", id, ct)
	}
	var doc map[string]any
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// Follow returns a Follow of target by alice with the given id suffix.
func (s *Server) Follow(target, suffix string) map[string]any {
	return map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       s.ActorID() + "#follows/" + suffix,
		"type":     "Follow",
		"actor":    s.ActorID(),
		"object":   target,
	}
}

// Undo returns alice's Undo of activity (embedded, as Mastodon sends it).
func (s *Server) Undo(activity map[string]any) map[string]any {
	inner := map[string]any{}
	for k, v := range activity {
		if k != "@context" {
			inner[k] = v
		}
	}
	return map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       fmt.Sprint(activity["id"]) + "/undo",
		"type":     "Undo",
		"actor":    s.ActorID(),
		"object":   inner,
	}
}
