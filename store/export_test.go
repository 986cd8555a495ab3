package store

// CheckConsistency is checkConsistency, for the external tests (the
// contract suite run on the bbolt store).
var CheckConsistency = checkConsistency
