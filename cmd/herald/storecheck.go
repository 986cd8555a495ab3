package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"herald/store"
)

// recordKinds are the kinds of record `herald store copy` carries, in
// the order the table shows them.
var recordKinds = []string{store.RecordActorKey, store.RecordFeed, store.RecordItem, store.RecordDocument,
	store.RecordTombstone, store.RecordOutbox, store.RecordFollower, store.RecordFollowerCount, store.RecordJob,
	store.RecordActivityStats, store.RecordHost, store.RecordInteraction, store.RecordRelay,
	store.RecordRemoteActor, store.RecordRemoteKey, store.RecordScheduled, store.RecordPing, store.RecordPaused,
	store.RecordSubscription, store.RecordOwnership, store.RecordFlag, store.RecordOAuthApp, store.RecordOAuthCode,
	store.RecordOAuthToken, store.RecordWebcareUser, store.RecordAudit, store.RecordStatus, store.RecordDismissal,
	store.RecordCleared, store.RecordScheduledStatus, store.RecordConversationMark, store.RecordMarker}

// dumper is what the copy reads of either store.
type dumper interface {
	Dump(fn func(store.Record) error) error
}

// sourceRecord is what the check keeps of a source record: its hash, and
// whether the target holds the same.
type sourceRecord struct {
	hash    [32]byte
	inPlace bool
}

// kindSum is the count and checksum (the XOR of the records' hashes: keys
// are unique within a kind, so the order of reading does not matter) of
// one kind of record in one store, and, for the target, how its records
// differ from the source's.
type kindSum struct {
	count                    int
	sum                      [32]byte
	missing, differ, surplus int
}

func (k *kindSum) add(h [32]byte) {
	k.count++
	for i := range h {
		k.sum[i] ^= h[i]
	}
}

// digest is the records of the source, by RecordKey, with the sums.
type digest struct {
	records map[string]*sourceRecord
	sums    map[string]*kindSum
}

func sumsFor() map[string]*kindSum {
	sums := map[string]*kindSum{}
	for _, k := range recordKinds {
		sums[k] = &kindSum{}
	}
	return sums
}

// sumOf returns the sum of kind in sums, adding one for a kind that
// recordKinds lacks.
func sumOf(sums map[string]*kindSum, kind string) *kindSum {
	if sums[kind] == nil {
		sums[kind] = &kindSum{}
	}
	return sums[kind]
}

// readSource hashes every record of src.
func readSource(src dumper) (*digest, error) {
	d := &digest{records: map[string]*sourceRecord{}, sums: sumsFor()}
	err := src.Dump(func(r store.Record) error {
		h, err := store.RecordHash(r)
		if err != nil {
			return err
		}
		d.records[store.RecordKey(r)] = &sourceRecord{hash: h}
		sumOf(d.sums, r.Kind).add(h)
		return nil
	})
	return d, err
}

// compare reads every record of dst and sets, for each source record,
// whether dst holds the same. It returns dst's sums, with what is
// missing from dst, differs or is there only.
func (d *digest) compare(dst dumper) (map[string]*kindSum, error) {
	sums := sumsFor()
	for _, rec := range d.records {
		rec.inPlace = false
	}
	err := dst.Dump(func(r store.Record) error {
		h, err := store.RecordHash(r)
		if err != nil {
			return err
		}
		s := sumOf(sums, r.Kind)
		s.add(h)
		switch rec, ok := d.records[store.RecordKey(r)]; {
		case !ok:
			s.surplus++
		case rec.hash != h:
			s.differ++
		default:
			rec.inPlace = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A source record not in place is missing from dst or differs there.
	for key, rec := range d.records {
		if !rec.inPlace {
			sumOf(sums, kindOf(key)).missing++
		}
	}
	for _, s := range sums {
		s.missing -= s.differ
	}
	return sums, nil
}

func kindOf(key string) string {
	kind, _, _ := strings.Cut(key, "\x00")
	return kind
}

// printTable writes one line per kind: the counts and checksums of both
// stores and how they differ. It reports whether they are the same.
func (d *digest) printTable(w io.Writer, dst map[string]*kindSum) bool {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tBBOLT\tPOSTGRESQL\tMISSING\tDIFFERENT\tEXTRA\tCHECKSUM\t")
	same := true
	for k := range dst {
		sumOf(d.sums, k)
	}
	for _, k := range slices.Sorted(maps.Keys(d.sums)) {
		s, t := d.sums[k], sumOf(dst, k)
		verdict := fmt.Sprintf("%x", s.sum[:6])
		if s.sum != t.sum || s.count != t.count || t.missing+t.differ+t.surplus > 0 {
			verdict = fmt.Sprintf("%x ≠ %x", s.sum[:6], t.sum[:6])
			same = false
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t\n", k, s.count, t.count, t.missing, t.differ, t.surplus, verdict)
	}
	tw.Flush()
	return same
}
