package fedtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"herald/signature"
)

// sender is a minimal signing peer: an actor document with its key.
type sender struct {
	*httptest.Server
	key *rsa.PrivateKey
}

func newSender(t *testing.T) *sender {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	s := &sender{key: key}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id":        s.URL + "/actor",
			"publicKey": map[string]any{"id": s.URL + "/actor#main-key", "publicKeyPem": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))},
		})
	}))
	t.Cleanup(s.Close)
	return s
}

// post sends a Create with id to inbox, signed unless unsigned is set.
func (s *sender) post(t *testing.T, inbox, id string, unsigned bool) (int, error) {
	body, _ := json.Marshal(map[string]any{"id": id, "type": "Create", "actor": s.URL + "/actor"})
	req, err := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/activity+json")
	if !unsigned {
		if err := signature.Sign(req, body, s.URL+"/actor#main-key", s.key, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	client := &http.Client{Timeout: 300 * time.Millisecond}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func TestFleet(t *testing.T) {
	faults := []Fault{Healthy, Fail500, Gone, CloseConn, Hang}
	fleet, err := NewFleet(FleetOptions{N: len(faults), Fault: func(i int) Fault { return faults[i] }})
	if err != nil {
		t.Fatal(err)
	}
	defer fleet.Close()
	s := newSender(t)
	tests := []struct {
		name       string
		host       int
		id         string
		unsigned   bool
		wantStatus int
		wantErr    bool
	}{
		{name: "healthy, signed", host: 0, id: "a", wantStatus: http.StatusAccepted},
		{name: "healthy, same activity again", host: 0, id: "a", wantStatus: http.StatusAccepted},
		{name: "healthy, unsigned", host: 0, id: "b", unsigned: true, wantStatus: http.StatusUnauthorized},
		{name: "500", host: 1, id: "a", wantStatus: http.StatusInternalServerError},
		{name: "410", host: 2, id: "a", wantStatus: http.StatusGone},
		{name: "closed connection", host: 3, id: "a", wantErr: true},
		{name: "hang", host: 4, id: "a", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := fleet.Hosts()[tt.host]
			status, err := s.post(t, h.SharedInbox(), tt.id, tt.unsigned)
			if (err != nil) != tt.wantErr || status != tt.wantStatus {
				t.Errorf("POST = %d, %v; want %d (error: %t)", status, err, tt.wantStatus, tt.wantErr)
			}
		})
	}
	healthy := fleet.Hosts()[0]
	byType, dups := healthy.Verified()
	if byType["Create"] != 2 || dups != 1 || len(healthy.Problems()) != 1 || len(healthy.Posts()) != 3 {
		t.Errorf("healthy host: %v verified, %d duplicates, problems %v, %d posts", byType, dups, healthy.Problems(), len(healthy.Posts()))
	}
	if got := fleet.Reached("Create"); got != 1 {
		t.Errorf("Reached = %d, want 1", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := fleet.WaitReached(ctx, "Create", 1); err != nil {
		t.Error(err)
	}
	if got := len(fleet.Hosts()[4].Posts()); got != 1 {
		t.Errorf("hanging host saw %d posts, want 1", got)
	}
}
