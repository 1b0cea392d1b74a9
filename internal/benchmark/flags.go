package benchmark

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ParseSizes reads a comma-separated list of positive N, e.g. "100,1000".
func ParseSizes(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive size", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// ThroughputCase is one throttled apply: the emulator's limit and the
// provider's rate_limit (0: the provider's default).
type ThroughputCase struct {
	EmulatorLimit float64
	RateLimit     float64
}

// ParseThroughput reads "LIMIT[:RATE_LIMIT],..." e.g. "500:500,100": the
// emulator's calls/s and, optionally, the provider block's rate_limit.
func ParseThroughput(s string) ([]ThroughputCase, error) {
	var out []ThroughputCase
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		limit, rl, hasRL := strings.Cut(f, ":")
		var c ThroughputCase
		v, err := strconv.ParseFloat(limit, 64)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("%q: the emulator limit must be a positive number of calls/s", f)
		}
		c.EmulatorLimit = v
		if hasRL {
			v, err := strconv.ParseFloat(rl, 64)
			if err != nil || v < 1 || v > 500 {
				return nil, fmt.Errorf("%q: the provider rate_limit must be between 1 and 500", f)
			}
			c.RateLimit = v
		}
		out = append(out, c)
	}
	return out, nil
}

// ParseEngines reads a comma-separated subset of "terraform" and "tofu".
func ParseEngines(s string) ([]string, error) {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		switch f = strings.TrimSpace(f); f {
		case "":
		case "terraform", "tofu":
			out = append(out, f)
		default:
			return nil, fmt.Errorf("unknown engine %q (terraform or tofu)", f)
		}
	}
	return out, nil
}

// ParseSteps reads a comma-separated subset of the steps; they always run in
// the order of Steps (each step needs the state the previous one left).
func ParseSteps(s string) ([]Step, error) {
	want := map[Step]bool{}
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !slices.Contains(Steps, Step(f)) {
			return nil, fmt.Errorf("unknown step %q (apply, plan, flip, destroy)", f)
		}
		want[Step(f)] = true
	}
	var out []Step
	for _, st := range Steps {
		if want[st] {
			out = append(out, st)
		}
	}
	if len(out) > 0 && out[0] != StepApply {
		return nil, fmt.Errorf("steps must include apply: the others need its state")
	}
	return out, nil
}
