package oauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"herald/store"
)

// ticketLife is how long the account choice waits after the password.
const ticketLife = 10 * time.Minute

// ticket carries who signed in from the sign-in form to the account
// choice, so the password is asked once and never put in a page. It
// holds for the app it was made for only.
type ticket struct {
	Who      store.Principal `json:"who"`
	ClientID string          `json:"client_id"`
	Expires  int64           `json:"exp"`
}

// newTicket returns a ticket for who signing in to clientID's app, valid
// for ticketLife: the JSON in base64url, a dot, its HMAC-SHA256 under the
// process's ticket key.
func (s *Server) newTicket(who store.Principal, clientID string, now time.Time) string {
	payload, _ := json.Marshal(ticket{Who: who, ClientID: clientID, Expires: now.Add(ticketLife).Unix()})
	mac := hmac.New(sha256.New, s.ticketKey)
	mac.Write(payload)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// readTicket returns who a ticket was made for, if it is genuine, made
// for clientID's app and still valid at now.
func (s *Server) readTicket(t, clientID string, now time.Time) (store.Principal, bool) {
	p, m, ok := strings.Cut(t, ".")
	if !ok {
		return store.Principal{}, false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	sum, err2 := base64.RawURLEncoding.DecodeString(m)
	if err1 != nil || err2 != nil {
		return store.Principal{}, false
	}
	mac := hmac.New(sha256.New, s.ticketKey)
	mac.Write(payload)
	if !hmac.Equal(sum, mac.Sum(nil)) {
		return store.Principal{}, false
	}
	var tk ticket
	if json.Unmarshal(payload, &tk) != nil || now.Unix() > tk.Expires || tk.ClientID != clientID {
		return store.Principal{}, false
	}
	return tk.Who, true
}
