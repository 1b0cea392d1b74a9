package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Trust policies say who may assume a role, in the JSON form RAM uses for a
// role's AssumeRolePolicyDocument: statements with Effect, Action
// ("sts:AssumeRole"), Principal (RAM identities, cloud services or
// federated OIDC providers) and Conditions on the OIDC token's claims.
// Only what the emulated flows need is evaluated: Allow statements, the
// RAM, Service and Federated principals, and the StringEquals and StringLike
// operators on oidc:iss, oidc:aud and oidc:sub.

// TrustPolicy is a role's trust policy. A role without one is trusted by its
// own account (any RAM identity of it), which is what RAM's console
// creates for a role of "this account".
type TrustPolicy struct {
	Version   string           `json:"Version,omitempty"`
	Statement []TrustStatement `json:"Statement"`
}

// TrustStatement is one statement of a trust policy.
type TrustStatement struct {
	Effect    string                           `json:"Effect"`
	Action    StringList                       `json:"Action"`
	Principal TrustPrincipal                   `json:"Principal"`
	Condition map[string]map[string]StringList `json:"Condition,omitempty"`
}

// TrustPrincipal names who a statement trusts.
type TrustPrincipal struct {
	// RAM lists accounts ("acs:ram::<id>:root": every identity of the
	// account) and roles ("acs:ram::<id>:role/<name>": sessions of that role,
	// for role chaining).
	RAM StringList `json:"RAM,omitempty"`
	// Service lists cloud services, e.g. "ecs.aliyuncs.com" for an ECS
	// instance RAM role.
	Service StringList `json:"Service,omitempty"`
	// Federated lists identity providers, e.g.
	// "acs:ram::<id>:oidc-provider/<name>".
	Federated StringList `json:"Federated,omitempty"`
}

// StringList is a JSON string or array of strings, as policy documents
// allow either.
type StringList []string

// UnmarshalJSON accepts "a" or ["a", "b"].
func (l *StringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = StringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("a policy value must be a string or an array of strings")
	}
	*l = many
	return nil
}

// identity is who asks to assume a role.
type identity struct {
	accountID string
	roleArn   string // set for a role session (role chaining)
	service   string // set for a cloud service (the ECS metadata service)
	provider  string // set for an OIDC provider ARN
	claims    map[string][]string
}

func (id identity) principalMatches(p TrustPrincipal) bool {
	switch {
	case id.provider != "":
		return slices.ContainsFunc(p.Federated, func(s string) bool { return strings.EqualFold(s, id.provider) })
	case id.service != "":
		return slices.ContainsFunc(p.Service, func(s string) bool { return strings.EqualFold(s, id.service) })
	}
	root := "acs:ram::" + id.accountID + ":root"
	for _, r := range p.RAM {
		if r == id.accountID || strings.EqualFold(r, root) || (id.roleArn != "" && strings.EqualFold(r, id.roleArn)) {
			return true
		}
	}
	return false
}

// trusts reports whether the role (of roleAccount) trusts id.
func (r Role) trusts(roleAccount string, id identity) bool {
	if r.Trust == nil {
		return id.provider == "" && id.service == "" && id.accountID == roleAccount
	}
	for _, st := range r.Trust.Statement {
		if !strings.EqualFold(st.Effect, "Allow") || !slices.ContainsFunc(st.Action, actionCoversAssumeRole) {
			continue
		}
		if id.principalMatches(st.Principal) && conditionsHold(st.Condition, id.claims) {
			return true
		}
	}
	return false
}

func actionCoversAssumeRole(a string) bool {
	return ramMatch(a, "sts:AssumeRole")
}

// conditionsHold evaluates StringEquals and StringLike blocks: every key must
// have a claim value matching one of the listed values. Unknown operators
// never hold, so a policy the emulator cannot read denies.
func conditionsHold(cond map[string]map[string]StringList, claims map[string][]string) bool {
	for op, keys := range cond {
		for key, want := range keys {
			got := claims[strings.ToLower(key)]
			ok := slices.ContainsFunc(got, func(g string) bool {
				return slices.ContainsFunc(want, func(w string) bool {
					switch op {
					case "StringEquals":
						return g == w
					case "StringLike":
						return globMatch(w, g)
					}
					return false
				})
			})
			if !ok {
				return false
			}
		}
	}
	return true
}

// checkTrust validates a seed's trust policy.
func checkTrust(role string, p *TrustPolicy) error {
	if p == nil {
		return nil
	}
	if len(p.Statement) == 0 {
		return fmt.Errorf("role %s: a trust policy needs at least one statement", role)
	}
	for _, st := range p.Statement {
		if len(st.Principal.RAM)+len(st.Principal.Service)+len(st.Principal.Federated) == 0 {
			return fmt.Errorf("role %s: a trust statement needs a Principal (RAM, Service or Federated)", role)
		}
		for op := range st.Condition {
			if op != "StringEquals" && op != "StringLike" {
				return fmt.Errorf("role %s: condition operator %q is not modelled (StringEquals, StringLike)", role, op)
			}
		}
	}
	return nil
}
