package app

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
)

// NewReplicaID returns an id for this process among the replicas that
// share one database: the host name, the process id and a random part
// (so that a restarted process with the same pid, as in a container, is
// another replica), e.g. "web-1-4711-9f3a2c1b". It names the process's
// claims on delivery jobs and feeds, and appears in its logs, its admin
// API and the database.
func NewReplicaID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "herald"
	}
	var random [4]byte
	_, _ = rand.Read(random[:]) // crypto/rand.Read never fails
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(random[:])
}
