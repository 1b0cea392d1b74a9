package emulator

import (
	"fmt"
	"slices"
	"strings"
)

// RAM model. Every API action is authorized by one or more RAM actions, named
// as in the "Authorization information" table of each operation's page in
// Alibaba's API reference: the operation itself plus its "associated
// operation" (关联操作), which the caller must hold too. The RAM names are not
// the API names (RegisterCaCertificate is mq:RegisterCa). README.md lists the
// page each row comes from.
//
// A permanent access key or a role may be restricted to a list of RAM action
// patterns; nil means the account's full rights. The check answers
// PermissionCheckFailed for OnsMqtt and NoPermission for STS.

const ramInstanceAccess = "mq:MqttInstanceAccess"

// ramActions is the single table of API action -> RAM actions it needs.
var ramActions = map[string][]string{
	"GetDeviceCertificate":        {"mq:GetDeviceCertificate", ramInstanceAccess},
	"ActiveDeviceCertificate":     {"mq:ActiveDeviceCertificate", ramInstanceAccess},
	"InactivateDeviceCertificate": {"mq:UnregisterDeviceCertificate"}, // its page lists no associated operation
	"DeleteDeviceCertificate":     {"mq:DeleteDeviceCertificate", ramInstanceAccess},
	"ListDeviceCertificate":       {"mq:ListDeviceCertificate", ramInstanceAccess},
	"ListDeviceCertificateByCaSn": {"mq:ListDeviceCertificateByCaSn", ramInstanceAccess},
	"GetRegisterCode":             {"mq:GetRegisterCode", ramInstanceAccess},
	"RegisterCaCertificate":       {"mq:RegisterCa", ramInstanceAccess},
	"GetCaCertificate":            {"mq:GetCaCertificate", ramInstanceAccess},
	"ActiveCaCertificate":         {"mq:ActiveCaCertificate", ramInstanceAccess},
	"InactivateCaCertificate":     {"mq:UnregisterCaCertificate", ramInstanceAccess},
	"DeleteCaCertificate":         {"mq:DeleteCaCertificate", ramInstanceAccess},
	"ListCaCertificate":           {"mq:ListCaCertificate", ramInstanceAccess},
	"AssumeRole":                  {"sts:AssumeRole"},
}

// RAMActions returns the RAM actions a caller needs to call apiAction
// (e.g. "RegisterCaCertificate" -> mq:RegisterCa, mq:MqttInstanceAccess), or
// nil for an action the emulator does not know. The result is a copy. It is
// for tests and documentation; the provider's client must keep its own,
// independently written table.
func RAMActions(apiAction string) []string {
	return slices.Clone(ramActions[apiAction])
}

// RAMActionNames lists every API action RAMActions knows, sorted.
func RAMActionNames() []string {
	names := make([]string, 0, len(ramActions))
	for n := range ramActions {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// permits reports whether a grant (nil = unrestricted) covers every RAM
// action apiAction needs. An action missing from the table is never granted
// to a restricted caller.
func permits(grant []string, apiAction string) bool {
	if grant == nil {
		return true
	}
	needed, ok := ramActions[apiAction]
	if !ok {
		return false
	}
	for _, n := range needed {
		if !slices.ContainsFunc(grant, func(p string) bool { return ramMatch(p, n) }) {
			return false
		}
	}
	return true
}

// ramMatch matches a RAM action pattern against an action name the way RAM
// policies do: case-insensitively, with "*" standing for any run of
// characters ("*", "mq:*", "mq:List*").
func ramMatch(pattern, action string) bool {
	return globMatch(strings.ToLower(pattern), strings.ToLower(action))
}

func globMatch(p, a string) bool {
	star := strings.IndexByte(p, '*')
	if star < 0 {
		return p == a
	}
	if !strings.HasPrefix(a, p[:star]) {
		return false
	}
	rest := p[star+1:]
	for i := star; i <= len(a); i++ {
		if globMatch(rest, a[i:]) {
			return true
		}
	}
	return false
}

// checkRAMPatterns validates a seed's action list: each entry is "*" or
// "service:action", possibly with wildcards, without blanks.
func checkRAMPatterns(what string, patterns []string) error {
	for _, p := range patterns {
		if p != "*" && (!strings.Contains(p, ":") || strings.HasPrefix(p, ":") || strings.HasSuffix(p, ":")) {
			return fmt.Errorf("%s: RAM action %q must be \"*\" or \"service:Action\" (e.g. \"mq:GetDeviceCertificate\", \"mq:*\")", what, p)
		}
		if strings.ContainsAny(p, " \t\r\n") {
			return fmt.Errorf("%s: RAM action %q contains blanks", what, p)
		}
	}
	return nil
}

// authorize applies the caller's RAM restriction to the request's action.
func authorize(prod product, action string, c *call) *apiError {
	if permits(c.actions, action) {
		return nil
	}
	if prod.name == "Sts" {
		return newErr(CodeNoPermission, "You are not authorized to do this action. You should be authorized by RAM.")
	}
	return newErr(CodePermissionCheckFailed, "Failed to verify API permissions.")
}
