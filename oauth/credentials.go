package oauth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"golang.org/x/crypto/bcrypt"

	"herald/store"
)

// errWrongCredentials: no such user, a wrong password, or no such admin
// token. The sign-in page never says which.
var errWrongCredentials = errors.New("wrong user name or password")

// userName is what a user name may be, lowercased: a letter or digit,
// then up to 63 letters, digits, dots, dashes or underscores.
var userName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// NormalizeUserName returns name trimmed and lowercased, or an error when
// it is not a valid user name.
func NormalizeUserName(name string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if !userName.MatchString(n) {
		return "", fmt.Errorf("user name %q: use 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit", name)
	}
	return n, nil
}

// NewPassword returns a fresh password: 26 random characters (128 bits),
// which nobody guesses, whatever the hash's cost.
func NewPassword() string { return rand.Text() }

// HashPassword returns password's bcrypt hash, for the store.
func HashPassword(password string) ([]byte, error) {
	return bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
}

// dummyHash is compared against when the user does not exist, so that a
// wrong user name takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("no such user"), bcrypt.DefaultCost)
	return h
})

// credentials checks a sign-in: with a user name, that user's password;
// without, an admin token of the config. It returns who signed in and the
// accounts they may use, in the config's order.
func (s *Server) credentials(name, secret string) (store.Principal, []string, error) {
	if secret == "" {
		return store.Principal{}, nil, errWrongCredentials
	}
	if name == "" {
		sum := sha256.Sum256([]byte(secret))
		who := store.Principal{Kind: store.PrincipalAdminToken, AdminToken: hex.EncodeToString(sum[:])}
		tok, ok := s.adminTokenByHash(who.AdminToken)
		if !ok {
			return store.Principal{}, nil, errWrongCredentials
		}
		who.Name = tok.Name
		var handles []string
		for _, h := range s.o.Accounts.Handles() {
			if tok.Allows(h) {
				handles = append(handles, h)
			}
		}
		return who, handles, nil
	}
	u, err := s.o.Store.WebcareUser(name)
	if errors.Is(err, store.ErrNotFound) {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(secret))
		return store.Principal{}, nil, errWrongCredentials
	}
	if err != nil {
		return store.Principal{}, nil, err
	}
	if bcrypt.CompareHashAndPassword(u.PasswordHash, []byte(secret)) != nil {
		return store.Principal{}, nil, errWrongCredentials
	}
	who := store.Principal{Kind: store.PrincipalUser, Name: u.Name}
	if !s.o.Accounts.Known(u.Handle) {
		return who, nil, nil
	}
	return who, []string{u.Handle}, nil
}
