package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"herald/store"
)

// PutOAuthApp records a newly registered app.
func (s *Store) PutOAuthApp(app store.OAuthApp) error {
	if app.ClientID == "" {
		return errors.New("put oauth app: no client id")
	}
	_, err := s.exec(`INSERT INTO oauth_apps (client_id, body) VALUES ($1, $2)
		ON CONFLICT (client_id) DO UPDATE SET body = excluded.body`, app.ClientID, app)
	if err != nil {
		return fmt.Errorf("put oauth app %s: %w", app.ClientID, err)
	}
	return nil
}

// OAuthApp returns the app with clientID, or store.ErrNotFound.
func (s *Store) OAuthApp(clientID string) (app store.OAuthApp, err error) {
	ctx, cancel := s.op()
	defer cancel()
	err = s.pool.QueryRow(ctx, "SELECT body FROM oauth_apps WHERE client_id = $1", clientID).Scan(&app)
	if notFound(err) {
		return store.OAuthApp{}, fmt.Errorf("oauth app %s: %w", clientID, store.ErrNotFound)
	}
	return app, err
}

// PutOAuthCode records an authorization code by its hash, and drops the
// codes that expired before now.
func (s *Store) PutOAuthCode(hash []byte, c store.OAuthCode, now time.Time) error {
	return s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM oauth_codes WHERE expires < $1", now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO oauth_codes (hash, expires, body) VALUES ($1, $2, $3)
			ON CONFLICT (hash) DO UPDATE SET expires = excluded.expires, body = excluded.body`, hash, ts(c.Expires), c)
		return err
	})
}

// RedeemOAuthCode exchanges the code with hash for an access token in one
// transaction (see store.Store.RedeemOAuthCode): the code row is locked,
// so two exchanges of one code give one token.
func (s *Store) RedeemOAuthCode(hash []byte, issue func(store.OAuthCode) (tokenHash []byte, tok store.OAuthToken, err error)) error {
	return s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		var c store.OAuthCode
		err := tx.QueryRow(ctx, "SELECT body FROM oauth_codes WHERE hash = $1 FOR UPDATE", hash).Scan(&c)
		if notFound(err) {
			return fmt.Errorf("oauth code: %w", store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		tokenHash, tok, err := issue(c)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM oauth_codes WHERE hash = $1", hash); err != nil {
			return err
		}
		return putToken(ctx, tx, tokenHash, tok)
	})
}

// putToken stores tok under hash, replacing what was there.
func putToken(ctx context.Context, q querier, hash []byte, tok store.OAuthToken) error {
	_, err := q.Exec(ctx, `INSERT INTO oauth_tokens (hash, who_kind, who_name, body) VALUES ($1, $2, $3, $4)
		ON CONFLICT (hash) DO UPDATE SET who_kind = excluded.who_kind, who_name = excluded.who_name, body = excluded.body`,
		hash, tok.Who.Kind, tok.Who.Name, tok)
	return err
}

// PutOAuthToken records an access token by its hash.
func (s *Store) PutOAuthToken(hash []byte, tok store.OAuthToken) error {
	return s.inTx(func(ctx context.Context, tx pgx.Tx) error { return putToken(ctx, tx, hash, tok) })
}

// OAuthToken returns the token with hash, or store.ErrNotFound.
func (s *Store) OAuthToken(hash []byte) (tok store.OAuthToken, err error) {
	ctx, cancel := s.op()
	defer cancel()
	err = s.pool.QueryRow(ctx, "SELECT body FROM oauth_tokens WHERE hash = $1", hash).Scan(&tok)
	if notFound(err) {
		return store.OAuthToken{}, fmt.Errorf("oauth token: %w", store.ErrNotFound)
	}
	return tok, err
}

// TouchOAuthToken sets the token's LastUsed to at (a token that is gone
// or revoked is left alone).
func (s *Store) TouchOAuthToken(hash []byte, at time.Time) error {
	_, err := s.exec(`UPDATE oauth_tokens SET body = jsonb_set(body, '{last_used}', to_jsonb($2::timestamptz))
		WHERE hash = $1 AND NOT body ? 'revoked'`, hash, at)
	return err
}

// RevokeOAuthToken revokes the token with hash at at, if clientID was
// issued it: store.ErrNotFound when there is no such token,
// store.ErrNotOwner when it is another client's. Revoking a revoked token
// changes nothing.
func (s *Store) RevokeOAuthToken(hash []byte, clientID string, at time.Time) error {
	return s.inTx(func(ctx context.Context, tx pgx.Tx) error {
		var tok store.OAuthToken
		err := tx.QueryRow(ctx, "SELECT body FROM oauth_tokens WHERE hash = $1 FOR UPDATE", hash).Scan(&tok)
		switch {
		case notFound(err):
			return fmt.Errorf("oauth token: %w", store.ErrNotFound)
		case err != nil:
			return err
		case tok.ClientID != clientID:
			return fmt.Errorf("revoke oauth token: %w", store.ErrNotOwner)
		case !tok.Revoked.IsZero():
			return nil
		}
		tok.Revoked = at
		return putToken(ctx, tx, hash, tok)
	})
}

// revokeTokensOf revokes, at at, every live token that who (kind and
// name) was granted and drops its codes; it returns how many tokens it
// revoked.
func revokeTokensOf(ctx context.Context, tx pgx.Tx, kind, name string, at time.Time) (int, error) {
	stamp, err := json.Marshal(at)
	if err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `UPDATE oauth_tokens SET body = jsonb_set(body, '{revoked}', $3::jsonb)
		WHERE who_kind = $1 AND who_name = $2 AND NOT body ? 'revoked'`, kind, name, string(stamp))
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM oauth_codes WHERE body->'who'->>'kind' = $1 AND body->'who'->>'name' = $2`, kind, name); err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}
