package mqtt

import (
	"slices"

	"github.com/agext/levenshtein"
)

// maxSuggestions bounds the "did you mean" candidates named for one typo.
const maxSuggestions = 3

// suggestSerials returns the candidates that sn is probably a typo of: those
// within the smallest edit distance found, compared in canonical form (case
// and the leading zeros of a hexadecimal serial number do not count, as in
// matching). A serial number is a string of 16 to 40 hexadecimal digits in
// practice; a mistyped one has a digit wrong, missing or added (distance 1)
// or two digits swapped (distance 2). So the limit is 2, and at most a third
// of the typed length, so that a short serial number is not "corrected" into
// an unrelated one.
func suggestSerials(sn string, candidates []string) []string {
	typed := canonicalSerial(sn)
	limit := min(2, len(typed)/3)
	if limit == 0 {
		return nil
	}
	best := limit + 1
	var out []string
	for _, c := range slices.Sorted(slices.Values(candidates)) {
		canonical := canonicalSerial(c)
		if abs(len(canonical)-len(typed)) > limit {
			continue // the length difference alone is beyond the limit
		}
		// Without a maximum cost: the library's shortcut for one can return
		// a value below the limit for a pair far beyond it.
		d := levenshtein.Distance(typed, canonical, nil)
		switch {
		case d > limit, d > best:
		case d < best:
			best, out = d, []string{c}
		default:
			out = append(out, c)
		}
	}
	if len(out) > maxSuggestions {
		out = out[:maxSuggestions]
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
