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

// WorkspacesCase is one workspaces run: K processes of Kind, N certificates
// each, against an emulator account limited to Limit calls/s.
type WorkspacesCase struct {
	Kind  Kind
	K, N  int
	Limit float64
}

// ParseWorkspaces reads "KIND:KxN@LIMIT,...", e.g.
// "apsaramq:4x200@100,apsaramq_access:4x1000@500".
func ParseWorkspaces(s string) ([]WorkspacesCase, error) {
	var out []WorkspacesCase
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		kind, rest, ok1 := strings.Cut(f, ":")
		size, limit, ok2 := strings.Cut(rest, "@")
		k, n, ok3 := strings.Cut(size, "x")
		c := WorkspacesCase{Kind: Kind(kind)}
		var err1, err2, err3 error
		c.K, err1 = strconv.Atoi(k)
		c.N, err2 = strconv.Atoi(n)
		c.Limit, err3 = strconv.ParseFloat(limit, 64)
		switch {
		case !ok1 || !ok2 || !ok3 || err1 != nil || err2 != nil || err3 != nil:
			return nil, fmt.Errorf("%q is not KIND:KxN@LIMIT (e.g. apsaramq:4x200@100)", f)
		case c.Kind != KindProvider && c.Kind != KindAccess:
			return nil, fmt.Errorf("%q: kind must be %s or %s", f, KindProvider, KindAccess)
		case c.K < 1 || c.N < 1 || c.Limit <= 0:
			return nil, fmt.Errorf("%q: K, N and the limit must be positive", f)
		}
		out = append(out, c)
	}
	return out, nil
}
