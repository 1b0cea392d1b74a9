package onsmqtt

import "strings"

// instanceAccess is the RAM action most OnsMqtt operations list as
// "associated": the caller needs it on the instance besides the operation's
// own action.
const instanceAccess = "mq:MqttInstanceAccess"

// ramActions maps each API action this client calls to the RAM actions
// that authorize it, from the "Authorization information" table of each
// operation's page in Alibaba's API reference. The RAM names are not the API
// names (RegisterCaCertificate is mq:RegisterCa). Written independently of
// the emulator's table, so a wrong name shows up as a failing test.
var ramActions = map[string][]string{
	"GetDeviceCertificate":        {"mq:GetDeviceCertificate", instanceAccess},
	"ActiveDeviceCertificate":     {"mq:ActiveDeviceCertificate", instanceAccess},
	"InactivateDeviceCertificate": {"mq:UnregisterDeviceCertificate"},
	"DeleteDeviceCertificate":     {"mq:DeleteDeviceCertificate", instanceAccess},
	"ListDeviceCertificate":       {"mq:ListDeviceCertificate", instanceAccess},
	"ListDeviceCertificateByCaSn": {"mq:ListDeviceCertificateByCaSn", instanceAccess},
	"GetRegisterCode":             {"mq:GetRegisterCode", instanceAccess},
	"RegisterCaCertificate":       {"mq:RegisterCa", instanceAccess},
	"GetCaCertificate":            {"mq:GetCaCertificate", instanceAccess},
	"ActiveCaCertificate":         {"mq:ActiveCaCertificate", instanceAccess},
	"InactivateCaCertificate":     {"mq:UnregisterCaCertificate", instanceAccess},
	"DeleteCaCertificate":         {"mq:DeleteCaCertificate", instanceAccess},
	"ListCaCertificate":           {"mq:ListCaCertificate", instanceAccess},
	"AssumeRole":                  {"sts:AssumeRole"},
}

// RAMActions returns the RAM actions a caller needs for apiAction, or nil
// for an action this client does not call.
func RAMActions(apiAction string) []string {
	return append([]string(nil), ramActions[apiAction]...)
}

// permissionCodes are the codes with which the service refuses an action
// the RAM identity behind the credentials may not call.
var permissionCodes = map[string]bool{
	"PermissionCheckFailed": true,
	"Forbidden.RAM":         true,
	"Forbidden":             true,
	"NoPermission":          true,
}

// permissionHint names what to grant after a refusal with a permissionCodes
// code.
func permissionHint(apiAction string) string {
	needed := ramActions[apiAction]
	if len(needed) == 0 {
		return "The RAM identity lacks permission for this action; grant the matching mq:* action on the instance"
	}
	return "The RAM user or role behind these credentials may not call " + apiAction + ": grant it " +
		strings.Join(needed, " and ") + " on the instance (resource acs:mq:<region>:<account-id>:<instance-id>); " +
		"the provider's RAM permissions guide lists a least-privilege policy for each resource and data source"
}
