package benchmark

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// parseList reads a comma-separated list, ignoring blanks around and
// between its items.
func parseList[T any](s string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := parse(f)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// ParseSizes reads a comma-separated list of positive N, e.g. "100,1000".
func ParseSizes(s string) ([]int, error) {
	return parseList(s, func(f string) (int, error) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("%q is not a positive size", f)
		}
		return n, nil
	})
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
	return parseList(s, func(f string) (ThroughputCase, error) {
		limit, rl, hasRL := strings.Cut(f, ":")
		var c ThroughputCase
		var err error
		if c.EmulatorLimit, err = strconv.ParseFloat(limit, 64); err != nil || c.EmulatorLimit <= 0 {
			return c, fmt.Errorf("%q: the emulator limit must be a positive number of calls/s", f)
		}
		if !hasRL {
			return c, nil
		}
		if c.RateLimit, err = strconv.ParseFloat(rl, 64); err != nil || c.RateLimit < 1 || c.RateLimit > 500 {
			return c, fmt.Errorf("%q: the provider rate_limit must be between 1 and 500", f)
		}
		return c, nil
	})
}

// ParseEngines reads a comma-separated subset of "terraform" and "tofu".
func ParseEngines(s string) ([]engine.Kind, error) {
	return parseList(s, func(f string) (engine.Kind, error) {
		if k := engine.Kind(f); k == engine.Terraform || k == engine.OpenTofu {
			return k, nil
		}
		return "", fmt.Errorf("unknown engine %q (terraform or tofu)", f)
	})
}

// ParseSteps reads a comma-separated subset of the steps; they always run in
// the order of Steps (each step needs the state the previous one left).
func ParseSteps(s string) ([]Step, error) {
	want, err := parseList(s, func(f string) (Step, error) {
		if !slices.Contains(Steps, Step(f)) {
			return "", fmt.Errorf("unknown step %q (apply, plan, flip, destroy)", f)
		}
		return Step(f), nil
	})
	if err != nil {
		return nil, err
	}
	var out []Step
	for _, st := range Steps {
		if slices.Contains(want, st) {
			out = append(out, st)
		}
	}
	if len(out) > 0 && out[0] != StepApply {
		return nil, fmt.Errorf("steps must include apply: the others need its state")
	}
	return out, nil
}

// WorkspacesCase is one workspaces run: K processes applying Resource, N
// certificates each, against an emulator account limited to Limit calls/s.
type WorkspacesCase struct {
	Resource Resource
	K, N     int
	Limit    float64
}

// ParseWorkspaces reads "RESOURCE:KxN@LIMIT,...", e.g.
// "apsaramq:4x200@100,apsaramq_access:4x1000@500".
func ParseWorkspaces(s string) ([]WorkspacesCase, error) {
	return parseList(s, func(f string) (WorkspacesCase, error) {
		resource, rest, ok1 := strings.Cut(f, ":")
		size, limit, ok2 := strings.Cut(rest, "@")
		k, n, ok3 := strings.Cut(size, "x")
		c := WorkspacesCase{Resource: Resource(resource)}
		var err1, err2, err3 error
		c.K, err1 = strconv.Atoi(k)
		c.N, err2 = strconv.Atoi(n)
		c.Limit, err3 = strconv.ParseFloat(limit, 64)
		switch {
		case !ok1 || !ok2 || !ok3 || err1 != nil || err2 != nil || err3 != nil:
			return c, fmt.Errorf("%q is not RESOURCE:KxN@LIMIT (e.g. apsaramq:4x200@100)", f)
		case c.Resource != ResourcePerCertificate && c.Resource != ResourceAccess:
			return c, fmt.Errorf("%q: the resource must be %s or %s", f, ResourcePerCertificate, ResourceAccess)
		case c.K < 1 || c.N < 1 || c.Limit <= 0:
			return c, fmt.Errorf("%q: K, N and the limit must be positive", f)
		}
		return c, nil
	})
}
