package mqtt

import (
	"slices"
	"testing"
)

func TestSuggestSerials(t *testing.T) {
	registered := []string{"00f26900ba87cd01", "00f26900ba87cd02", "5d1e0000000000a1", "5d1e0000000000a2", "d01", "d02", "ff98"}
	for _, tc := range []struct {
		typed string
		want  []string
	}{
		{"f26900ba87cd0e", []string{"00f26900ba87cd01", "00f26900ba87cd02"}}, // one digit wrong: both at distance 1
		{"F26900BA87CD01X", []string{"00f26900ba87cd01"}},                    // case and leading zeros do not count
		{"5d1e0000000000a3", []string{"5d1e0000000000a1", "5d1e0000000000a2"}},
		{"5d1e00000000001a", []string{"5d1e0000000000a1", "5d1e0000000000a2"}}, // two digits swapped: distance 2 (as is a2)
		{"5d1e000000000a", []string{"5d1e0000000000a1", "5d1e0000000000a2"}},
		{"ff99", []string{"ff98"}},
		{"d03", []string{"d01", "d02"}}, // three characters: distance 1 at most
		{"x9", nil},                     // too short to guess from
		{"e01", []string{"d01"}},        // not hexadecimal-only either way: compared case-insensitively
		{"7c2f0000000000b1", nil},       // nothing close
		{"5d1e000000000bb3", nil},       // distance 3: one more than the limit
	} {
		got := suggestSerials(tc.typed, registered)
		if !slices.Equal(got, tc.want) {
			t.Errorf("suggestSerials(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
}

// A fleet of many near-identical serial numbers names at most three.
func TestSuggestSerialsBounded(t *testing.T) {
	var fleet []string
	for _, c := range "0123456789abcdef" {
		fleet = append(fleet, "5d1e00000000000"+string(c))
	}
	if got := suggestSerials("5d1e00000000000x", fleet); len(got) != maxSuggestions {
		t.Errorf("got %d suggestions (%q), want %d", len(got), got, maxSuggestions)
	}
}
