package store

// CheckConsistency is checkConsistency, for the external tests (the
// contract suite run on the bbolt store).
var CheckConsistency = checkConsistency

// LimitSeenSignatures lowers the number of signature digests s holds in
// memory to n, for the test of the bound.
func LimitSeenSignatures(s *Store, n int) { s.claims.maxSignatures = n }
