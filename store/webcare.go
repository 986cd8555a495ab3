package store

// The people who may sign in to the client API (users the operator
// issues) and the audit log of what they did.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketWebcareUsers = []byte("webcare_users") // user name → WebcareUser JSON
	bucketAudit        = []byte("audit")         // time (8 bytes, timeKey) | sequence (8 bytes) → AuditEntry JSON
	webcareBuckets     = [][]byte{bucketOAuthApps, bucketOAuthCodes, bucketOAuthTokens, bucketWebcareUsers, bucketAudit}
)

// ErrExists is returned when a record to be added is there already.
var ErrExists = errors.New("exists already")

// WebcareUser is a person who may sign in to one account through the
// client API, with a password the operator issued.
type WebcareUser struct {
	// Name is what the person types as user name (lowercase).
	Name string `json:"name"`
	// Handle is the account they may sign in to.
	Handle string `json:"handle"`
	// PasswordHash is the password's bcrypt hash.
	PasswordHash []byte    `json:"password_hash"`
	Created      time.Time `json:"created"`
}

// AddWebcareUser records u, or returns ErrExists when its name is taken.
func (s *Store) AddWebcareUser(u WebcareUser) error {
	if u.Name == "" || u.Handle == "" || len(u.PasswordHash) == 0 {
		return errors.New("add webcare user: name, handle and password hash are required")
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWebcareUsers)
		if b.Get([]byte(u.Name)) != nil {
			return fmt.Errorf("user %s: %w", u.Name, ErrExists)
		}
		return putJSON(b, []byte(u.Name), u)
	})
}

// WebcareUser returns the user called name, or ErrNotFound.
func (s *Store) WebcareUser(name string) (u WebcareUser, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		found, err := getJSON(tx.Bucket(bucketWebcareUsers), []byte(name), &u)
		if err == nil && !found {
			err = fmt.Errorf("user %s: %w", name, ErrNotFound)
		}
		return err
	})
	return u, err
}

// WebcareUsers returns every user, by name.
func (s *Store) WebcareUsers() ([]WebcareUser, error) {
	var out []WebcareUser
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketWebcareUsers).ForEach(func(k, v []byte) error {
			var u WebcareUser
			if err := decodeJSON(k, v, &u); err != nil {
				return err
			}
			out = append(out, u)
			return nil
		})
	})
	return out, err
}

// RemoveWebcareUser removes the user called name and, in the same
// transaction, revokes (at at) every access token and drops every code it
// was granted; it returns how many tokens that revoked, or ErrNotFound.
func (s *Store) RemoveWebcareUser(name string, at time.Time) (revoked int, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWebcareUsers)
		if b.Get([]byte(name)) == nil {
			return fmt.Errorf("user %s: %w", name, ErrNotFound)
		}
		if err := b.Delete([]byte(name)); err != nil {
			return err
		}
		revoked, err = revokeTokensOf(tx, PrincipalUser, name, at)
		return err
	})
	return revoked, err
}

// Audit actions.
const (
	// AuditSignIn: someone signed in to an account from an app (an
	// authorization code was issued).
	AuditSignIn = "sign_in"
	// AuditPost: someone posted as an account from an app; AuditReply:
	// answered a post (a reply); AuditDelete: deleted a post made so.
	AuditPost   = "post"
	AuditReply  = "reply"
	AuditDelete = "delete"
	// AuditSchedule: someone scheduled a post as an account from an app;
	// AuditReschedule: changed its time; AuditCancel: cancelled it. When
	// it goes out, the post is written as AuditPost or AuditReply, by
	// whoever scheduled it.
	AuditSchedule   = "schedule"
	AuditReschedule = "reschedule"
	AuditCancel     = "cancel"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At time.Time `json:"at"`
	// Action is one of the Audit* actions.
	Action string `json:"action"`
	// Who did it; Account is the account it was done as.
	Who     Principal `json:"who"`
	Account string    `json:"account"`
	// App and ClientID name the client application it was done from.
	App      string `json:"app,omitempty"`
	ClientID string `json:"client_id,omitempty"`
	// Object is the post posted, answered with or deleted; InReplyTo the
	// post answered; Visibility the post's (posts and replies).
	Object     string `json:"object,omitempty"`
	InReplyTo  string `json:"in_reply_to,omitempty"`
	Visibility string `json:"visibility,omitempty"`
	// Scheduled is the client API id of the scheduled post scheduled,
	// changed, cancelled or published; ScheduledAt its time (the new
	// one when changed).
	Scheduled   string    `json:"scheduled,omitempty"`
	ScheduledAt time.Time `json:"scheduled_at,omitzero"`
}

// AddAudit appends e to the audit log.
func (s *Store) AddAudit(e AuditEntry) error {
	if err := checkKeyTime("audit time", e.At); err != nil {
		return err
	}
	return s.batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return putJSON(b, binary.BigEndian.AppendUint64(timeKey(e.At), seq), e)
	})
}

// Audit returns up to limit entries of the audit log from before before
// (zero: from the newest), newest first.
func (s *Store) Audit(before time.Time, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		var k, v []byte
		if before.IsZero() || before.After(maxKeyTime) {
			k, v = c.Last()
		} else if before.Before(minKeyTime) {
			return nil
		} else if sk, _ := c.Seek(timeKey(before)); sk == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && len(out) < limit; k, v = c.Prev() {
			var e AuditEntry
			if err := decodeJSON(k, v, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}
