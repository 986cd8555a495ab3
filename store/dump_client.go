package store

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// The kinds of Record of the client API that Dump yields.
const (
	RecordOAuthApp    = "oauth_app"    // Value: OAuthApp
	RecordOAuthCode   = "oauth_code"   // Key: the hash, in hex; Value: OAuthCode
	RecordOAuthToken  = "oauth_token"  // Key: the hash, in hex; Value: OAuthToken
	RecordWebcareUser = "webcare_user" // Value: WebcareUser
	RecordAudit       = "audit"        // Key: its sequence number; Value: AuditEntry
	RecordStatus      = "status"       // Key: its id; Value: LocalStatus
	RecordDismissal   = "dismissal"    // Handle; Key: the notification id; Value: nil
	RecordCleared     = "cleared"      // Value: uint64, cleared through
	// RecordScheduledStatus: Key: its id; Value: ScheduledStatus.
	RecordScheduledStatus = "scheduled_status"
	// RecordConversationMark: Handle; Key: the conversation id; Value:
	// ConversationMark.
	RecordConversationMark = "conversation_mark"
)

// clientDumpers dump the client API's buckets. The index status_keys is
// made again from the statuses, and so is not dumped.
var clientDumpers = []dumper{
	flat(bucketOAuthApps, RecordOAuthApp, jsonValue[OAuthApp]),
	flat(bucketOAuthCodes, RecordOAuthCode, hexKey(jsonValue[OAuthCode])),
	flat(bucketOAuthTokens, RecordOAuthToken, hexKey(jsonValue[OAuthToken])),
	flat(bucketWebcareUsers, RecordWebcareUser, jsonValue[WebcareUser]),
	flat(bucketAudit, RecordAudit, auditValue),
	flat(bucketStatuses, RecordStatus, statusValue),
	dumpDismissals,
	flat(bucketScheduledStatuses, RecordScheduledStatus, scheduledStatusValue),
	dumpConversationMarks,
	dumpMarkers,
}

func scheduledStatusValue(k, v []byte) (string, any, error) {
	if len(k) != 8 {
		return "", nil, fmt.Errorf("scheduled status key %x: not 8 bytes", k)
	}
	_, value, err := jsonValue[ScheduledStatus](k, v)
	return strconv.FormatUint(binary.BigEndian.Uint64(k), 10), value, err
}

func dumpConversationMarks(tx *bolt.Tx, fn func(Record) error) error {
	return tx.Bucket(bucketConversationMarks).ForEach(func(k, v []byte) error {
		handle, id, ok := strings.Cut(string(k), "\x00")
		if !ok || len(id) != 8 {
			return fmt.Errorf("conversation marks: bad key %q", k)
		}
		_, mark, err := jsonValue[ConversationMark](k, v)
		if err != nil {
			return err
		}
		return fn(Record{Kind: RecordConversationMark, Handle: handle, Key: strconv.FormatUint(binary.BigEndian.Uint64([]byte(id)), 10), Value: mark})
	})
}

// hexKey makes dec's key hex.
func hexKey(dec decoder) decoder {
	return func(k, v []byte) (string, any, error) {
		_, value, err := dec(k, v)
		return hex.EncodeToString(k), value, err
	}
}

func auditValue(k, v []byte) (string, any, error) {
	if len(k) != 16 {
		return "", nil, fmt.Errorf("audit key %x: not 16 bytes", k)
	}
	_, value, err := jsonValue[AuditEntry](k, v)
	return strconv.FormatUint(binary.BigEndian.Uint64(k[8:]), 10), value, err
}

func statusValue(k, v []byte) (string, any, error) {
	if len(k) != 8 {
		return "", nil, fmt.Errorf("status key %x: not 8 bytes", k)
	}
	_, value, err := jsonValue[LocalStatus](k, v)
	return strconv.FormatUint(binary.BigEndian.Uint64(k), 10), value, err
}

func dumpDismissals(tx *bolt.Tx, fn func(Record) error) error {
	return tx.Bucket(bucketDismissals).ForEach(func(k, v []byte) error {
		if handle, id, ok := strings.Cut(string(k), "\x00"); ok && len(id) == 8 {
			n := binary.BigEndian.Uint64([]byte(id))
			return fn(Record{Kind: RecordDismissal, Handle: handle, Key: strconv.FormatUint(n, 10)})
		}
		if handle, ok := strings.CutSuffix(string(k), "\x01"); ok && len(v) == 8 {
			return fn(Record{Kind: RecordCleared, Key: handle, Value: binary.BigEndian.Uint64(v)})
		}
		return fmt.Errorf("dismissals: bad record %q", k)
	})
}
