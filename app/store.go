package app

import (
	"herald/accounts"
	"herald/admin"
	"herald/delivery"
	"herald/inbox"
	"herald/intake"
	"herald/relays"
	"herald/remote"
	"herald/server"
	"herald/store"
)

// The bbolt store is a Store.
var _ Store = (*store.Store)(nil)

// Store is everything the parts of Herald need of the database: the union
// of the Store interfaces they declare. The bbolt store (package store)
// implements it; so will the PostgreSQL store (store/postgres) once it has
// every method. The caller opens and closes it.
type Store interface {
	accounts.Store
	remote.Store
	delivery.Store
	intake.Store
	inbox.Store
	relays.Store
	admin.Store
	server.Store
	gaugeStore
}
