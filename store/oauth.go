package store

// OAuth records of the Mastodon client API (packages oauth and clientapi):
// the client applications that registered, the authorization codes waiting
// to be exchanged, and the access tokens. Codes and tokens are keyed by
// the SHA-256 of the secret, never the secret itself, so a copy of the
// database gives no one a way in.

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Buckets of the client API. Open creates them, so a database from an
// older Herald gains them empty.
var (
	bucketOAuthApps   = []byte("oauth_apps")   // client id → OAuthApp JSON
	bucketOAuthCodes  = []byte("oauth_codes")  // SHA-256 of the code (32 bytes) → OAuthCode JSON
	bucketOAuthTokens = []byte("oauth_tokens") // SHA-256 of the token (32 bytes) → OAuthToken JSON
)

// ErrNotOwner is returned when a client asks to revoke another client's
// token.
var ErrNotOwner = errors.New("issued to another client")

// Kinds of Principal.
const (
	// PrincipalUser signed in with a user name and password that the
	// operator issued (`herald webcare add-user`).
	PrincipalUser = "user"
	// PrincipalAdminToken signed in with an admin token of the config.
	PrincipalAdminToken = "admin_token"
)

// Principal is who signed in.
type Principal struct {
	// Kind is PrincipalUser or PrincipalAdminToken.
	Kind string `json:"kind"`
	// Name is the user's name, or the admin token's name from the config
	// ("" when it has none).
	Name string `json:"name"`
	// AdminToken is the hex SHA-256 of the admin token signed in with, so
	// that tokens granted through it end when it leaves the config.
	AdminToken string `json:"admin_token,omitempty"`
}

// OAuthApp is a client application registered through POST /api/v1/apps.
type OAuthApp struct {
	// ID is the application's numeric id in the API.
	ID string `json:"id"`
	// ClientID identifies the app; SecretHash is the SHA-256 of its
	// client secret.
	ClientID   string `json:"client_id"`
	SecretHash []byte `json:"secret_hash"`
	// Name and Website are what the app says of itself.
	Name    string `json:"name"`
	Website string `json:"website,omitempty"`
	// RedirectURIs are where the sign-in may send the code back.
	RedirectURIs []string `json:"redirect_uris"`
	// Scopes are the most the app may be granted.
	Scopes  []string  `json:"scopes"`
	Created time.Time `json:"created"`
}

// OAuthCode is an authorization code waiting to be exchanged for a token.
type OAuthCode struct {
	ClientID string `json:"client_id"`
	// Handle is the account signed in to.
	Handle string    `json:"handle"`
	Who    Principal `json:"who"`
	// RedirectURI is the one the sign-in used; the exchange must name it.
	RedirectURI string   `json:"redirect_uri"`
	Scopes      []string `json:"scopes"`
	// Challenge and ChallengeMethod are the PKCE code challenge ("" when
	// the client used none).
	Challenge       string    `json:"challenge,omitempty"`
	ChallengeMethod string    `json:"challenge_method,omitempty"`
	Created         time.Time `json:"created"`
	Expires         time.Time `json:"expires"`
}

// OAuthToken is an access token.
type OAuthToken struct {
	ClientID string `json:"client_id"`
	// Handle is the account the token acts for; "" for an app-only token
	// (client credentials), whose Who is zero too.
	Handle   string    `json:"handle,omitempty"`
	Who      Principal `json:"who,omitzero"`
	Scopes   []string  `json:"scopes"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used,omitzero"`
	// Revoked is when it was revoked; zero while it is valid.
	Revoked time.Time `json:"revoked,omitzero"`
}

// PutOAuthApp records a newly registered app.
func (s *Store) PutOAuthApp(app OAuthApp) error {
	if app.ClientID == "" {
		return errors.New("put oauth app: no client id")
	}
	return s.batch(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketOAuthApps), []byte(app.ClientID), app)
	})
}

// OAuthApp returns the app with clientID, or ErrNotFound.
func (s *Store) OAuthApp(clientID string) (app OAuthApp, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		found, err := getJSON(tx.Bucket(bucketOAuthApps), []byte(clientID), &app)
		if err == nil && !found {
			err = fmt.Errorf("oauth app %s: %w", clientID, ErrNotFound)
		}
		return err
	})
	return app, err
}

// PutOAuthCode records an authorization code by its hash, and drops the
// codes that expired before now (codes live minutes; the bucket stays
// small).
func (s *Store) PutOAuthCode(hash []byte, c OAuthCode, now time.Time) error {
	return s.batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOAuthCodes)
		var expired [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var old OAuthCode
			if err := decodeJSON(k, v, &old); err != nil || old.Expires.Before(now) {
				expired = append(expired, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range expired {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return putJSON(b, hash, c)
	})
}

// RedeemOAuthCode exchanges the code with hash for an access token in one
// transaction: issue sees the code and returns the token to store (and its
// hash), or an error, which RedeemOAuthCode returns having changed
// nothing. Only a code that issue accepted is used up, so each code gives
// at most one token. It returns ErrNotFound for a code that does not exist
// (never issued, used already, or dropped after expiring).
func (s *Store) RedeemOAuthCode(hash []byte, issue func(OAuthCode) (tokenHash []byte, tok OAuthToken, err error)) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		codes := tx.Bucket(bucketOAuthCodes)
		var c OAuthCode
		found, err := getJSON(codes, hash, &c)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("oauth code: %w", ErrNotFound)
		}
		tokenHash, tok, err := issue(c)
		if err != nil {
			return err
		}
		if err := codes.Delete(hash); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketOAuthTokens), tokenHash, tok)
	})
}

// PutOAuthToken records an access token by its hash.
func (s *Store) PutOAuthToken(hash []byte, tok OAuthToken) error {
	return s.batch(func(tx *bolt.Tx) error { return putJSON(tx.Bucket(bucketOAuthTokens), hash, tok) })
}

// OAuthToken returns the token with hash, or ErrNotFound.
func (s *Store) OAuthToken(hash []byte) (tok OAuthToken, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		found, err := getJSON(tx.Bucket(bucketOAuthTokens), hash, &tok)
		if err == nil && !found {
			err = fmt.Errorf("oauth token: %w", ErrNotFound)
		}
		return err
	})
	return tok, err
}

// TouchOAuthToken sets the token's LastUsed to at (a token that is gone
// or revoked meanwhile is left alone).
func (s *Store) TouchOAuthToken(hash []byte, at time.Time) error {
	return s.batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOAuthTokens)
		var tok OAuthToken
		if found, err := getJSON(b, hash, &tok); err != nil || !found || !tok.Revoked.IsZero() {
			return err
		}
		tok.LastUsed = at
		return putJSON(b, hash, tok)
	})
}

// RevokeOAuthToken revokes the token with hash at at, if clientID was
// issued it: ErrNotFound when there is no such token, ErrNotOwner when it
// is another client's. Revoking a revoked token changes nothing.
func (s *Store) RevokeOAuthToken(hash []byte, clientID string, at time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOAuthTokens)
		var tok OAuthToken
		found, err := getJSON(b, hash, &tok)
		switch {
		case err != nil:
			return err
		case !found:
			return fmt.Errorf("oauth token: %w", ErrNotFound)
		case tok.ClientID != clientID:
			return fmt.Errorf("revoke oauth token: %w", ErrNotOwner)
		case !tok.Revoked.IsZero():
			return nil
		}
		tok.Revoked = at
		return putJSON(b, hash, tok)
	})
}

// revokeTokensOf revokes, at at, every token and drops every code that
// who (matched by kind and name) was granted, and returns how many tokens
// it revoked.
func revokeTokensOf(tx *bolt.Tx, kind, name string, at time.Time) (int, error) {
	n := 0
	tokens := tx.Bucket(bucketOAuthTokens)
	var revoked [][]byte
	var toks []OAuthToken
	err := tokens.ForEach(func(k, v []byte) error {
		var tok OAuthToken
		if err := decodeJSON(k, v, &tok); err != nil {
			return err
		}
		if tok.Who.Kind == kind && tok.Who.Name == name && tok.Revoked.IsZero() {
			tok.Revoked = at
			revoked, toks = append(revoked, append([]byte(nil), k...)), append(toks, tok)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for i, k := range revoked {
		if err := putJSON(tokens, k, toks[i]); err != nil {
			return 0, err
		}
		n++
	}
	codes := tx.Bucket(bucketOAuthCodes)
	var dropped [][]byte
	err = codes.ForEach(func(k, v []byte) error {
		var c OAuthCode
		if err := decodeJSON(k, v, &c); err == nil && c.Who.Kind == kind && c.Who.Name == name {
			dropped = append(dropped, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range dropped {
		if err := codes.Delete(k); err != nil {
			return 0, err
		}
	}
	return n, nil
}
