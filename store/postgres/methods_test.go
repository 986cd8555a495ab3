package postgres_test

import (
	"reflect"
	"slices"
	"testing"

	"herald/accounts"
	"herald/admin"
	"herald/delivery"
	"herald/inbox"
	"herald/intake"
	"herald/relays"
	"herald/remote"
	"herald/server"
	"herald/store"
	"herald/store/postgres"
)

// The store interfaces that Herald's packages declare, which app fills
// with its store: the PostgreSQL store must satisfy each (a compile-time
// check).
var (
	_ accounts.Store = (*postgres.Store)(nil)
	_ admin.Store    = (*postgres.Store)(nil)
	_ delivery.Store = (*postgres.Store)(nil)
	_ inbox.Store    = (*postgres.Store)(nil)
	_ intake.Store   = (*postgres.Store)(nil)
	_ relays.Store   = (*postgres.Store)(nil)
	_ remote.Store   = (*postgres.Store)(nil)
	_ server.Store   = (*postgres.Store)(nil)
)

// bboltOnly lists the exported methods of the bbolt store that the
// PostgreSQL store may lack, each with the reason. Backup, for one, is
// there and fails with ErrNoBackup.
var bboltOnly = map[string]string{
	"Uncopied": "counts what `herald store copy` does not carry from a bbolt file; a PostgreSQL store is never the copy's source",
}

// TestMethodSet: *postgres.Store has every exported method of *store.Store
// (which app and cmd/herald call directly), with the same signature,
// but those of bboltOnly; and bboltOnly lists only methods it lacks.
func TestMethodSet(t *testing.T) {
	bolt, pg := reflect.TypeFor[*store.Store](), reflect.TypeFor[*postgres.Store]()
	var missing []string
	for i := range bolt.NumMethod() {
		m := bolt.Method(i)
		pm, ok := pg.MethodByName(m.Name)
		_, excepted := bboltOnly[m.Name]
		switch {
		case !ok && !excepted:
			missing = append(missing, m.Name)
		case ok && excepted:
			t.Errorf("bboltOnly lists %s, which *postgres.Store has", m.Name)
		case ok && !sameSignature(m.Type, pm.Type):
			t.Errorf("%s: *store.Store has %s, *postgres.Store has %s", m.Name, m.Type, pm.Type)
		}
	}
	if len(missing) > 0 {
		t.Errorf("*postgres.Store lacks %d methods of *store.Store: %v", len(missing), missing)
	}
	for name := range bboltOnly {
		if _, ok := bolt.MethodByName(name); !ok {
			t.Errorf("bboltOnly lists %s, which *store.Store does not have", name)
		}
	}
}

// sameSignature tells whether two method types (their receivers first)
// take and return the same types.
func sameSignature(a, b reflect.Type) bool {
	in := func(t reflect.Type) []reflect.Type {
		var out []reflect.Type
		for i := 1; i < t.NumIn(); i++ { // after the receiver
			out = append(out, t.In(i))
		}
		return out
	}
	out := func(t reflect.Type) []reflect.Type {
		var res []reflect.Type
		for i := range t.NumOut() {
			res = append(res, t.Out(i))
		}
		return res
	}
	return a.IsVariadic() == b.IsVariadic() && slices.Equal(in(a), in(b)) && slices.Equal(out(a), out(b))
}
