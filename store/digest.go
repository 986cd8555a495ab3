package store

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// RecordKey is r's identity across stores: its kind, account and key.
func RecordKey(r Record) string { return r.Kind + "\x00" + r.Handle + "\x00" + r.Key }

// RecordHash is the SHA-256 of r's canonical encoding: its RecordKey, then
// its value as JSON with every time (also inside structs) in UTC and cut
// to the microsecond, every duration cut to the microsecond, as the
// PostgreSQL store keeps them, and empty slices as nil. The same record read from either store has
// the same hash.
func RecordHash(r Record) ([32]byte, error) {
	raw, err := json.Marshal(canonical(reflect.ValueOf(r.Value)).Interface())
	if err != nil {
		return [32]byte{}, fmt.Errorf("encode %s %q: %w", r.Kind, r.Key, err)
	}
	return sha256.Sum256(append([]byte(RecordKey(r)+"\x00"), raw...)), nil
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
)

// canonical returns a copy of v with its times and durations normalised
// as RecordHash says.
func canonical(v reflect.Value) reflect.Value {
	if !v.IsValid() {
		return reflect.ValueOf((*struct{})(nil))
	}
	switch {
	case v.Type() == timeType:
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return reflect.ValueOf(time.Time{})
		}
		return reflect.ValueOf(t.UTC().Truncate(time.Microsecond))
	case v.Type() == durationType:
		return reflect.ValueOf(v.Interface().(time.Duration).Truncate(time.Microsecond))
	case v.Kind() == reflect.Slice && v.Len() == 0:
		return reflect.Zero(v.Type())
	case v.Kind() == reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(canonical(v.Field(i)).Convert(v.Field(i).Type()))
			}
		}
		return out
	}
	return v
}
