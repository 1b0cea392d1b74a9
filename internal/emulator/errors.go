package emulator

import (
	"fmt"
	"net/http"
)

// Error codes the emulator answers. Gateway codes are shared by every
// Alibaba Cloud RPC product; MQTT codes are specific to OnsMqtt and are the
// ones whose HTTP status moved from 500 to 4xx in Alibaba's status-code change.
const (
	// Gateway (POP) codes.
	CodeMissingParameter           = "MissingParameter"
	CodeInvalidParameter           = "InvalidParameter"
	CodeIncompleteSignature        = "IncompleteSignature"
	CodeInvalidAccessKeyIDNotFound = "InvalidAccessKeyId.NotFound"
	CodeSignatureDoesNotMatch      = "SignatureDoesNotMatch"
	CodeInvalidTimeStampFormat     = "InvalidTimeStamp.Format"
	CodeInvalidTimeStampExpired    = "InvalidTimeStamp.Expired"
	CodeSignatureNonceUsed         = "SignatureNonceUsed"
	CodeInvalidActionNotFound      = "InvalidAction.NotFound"
	CodeInvalidVersion             = "InvalidVersion"
	CodeUnsupportedHTTPMethod      = "UnsupportedHTTPMethod"
	CodeMissingSecurityToken       = "MissingSecurityToken"
	CodeSecurityTokenMismatch      = "InvalidSecurityToken.Mismatch"
	CodeSecurityTokenExpired       = "InvalidSecurityToken.Expired"
	CodeThrottlingUser             = "Throttling.User"
	CodeServiceUnavailable         = "ServiceUnavailable"

	// OnsMqtt codes.
	CodeParameterFieldCheckFailed = "ParameterFieldCheckFailed"
	CodeFindDeviceBySnError       = "FindDeviceBySnError"
	CodeFindCaBySnError           = "FindCaBySnError"
	CodeMqttInstanceNotFound      = "MqttInstanceNotFound"
	CodeMqttOwnerCheckError       = "MqttOwnerCheckError"
	CodeSystemOverFlow            = "SystemOverFlow"
	CodeInternalError             = "InternalError"
	CodeRegisterCodeError         = "RegisterCodeError"
	CodeRegisterCodeUsed          = "RegisterCodeUsed"
	CodeCaNumExceed               = "CaNumExceed"
	CodeCertificateContentError   = "CertificateContentError"
	CodeSnNotUnique               = "SnNotUnique"

	// STS codes.
	CodeEntityNotExistRole          = "EntityNotExist.Role"
	CodeNoPermission                = "NoPermission"
	CodeInvalidRoleArn              = "InvalidParameter.RoleArn"
	CodeInvalidRoleSessionName      = "InvalidParameter.RoleSessionName"
	CodeInvalidDurationSeconds      = "InvalidParameter.DurationSeconds"
	CodeInvalidPolicyGrammar        = "InvalidParameter.PolicyGrammar"
	CodeInvalidSecurityTokenForRole = "InvalidParameter.AccessKeyType"
)

// codeInfo is one row of the code table: its HTTP status today and whether it
// is an MQTT-specific code (those answer 500 under Options.LegacyStatuses).
type codeInfo struct {
	status int
	mqtt   bool
}

// codeTable is the single place that maps an error code to its HTTP status.
// Statuses of MQTT codes follow the "MQTT OpenAPI状态码调整" announcement;
// FindDeviceBySnError's new status is cut off in the stored docs and is taken
// as 400 by analogy with FindCaBySnError (UNCONFIRMED).
var codeTable = map[string]codeInfo{
	CodeMissingParameter:           {http.StatusBadRequest, false},
	CodeInvalidParameter:           {http.StatusBadRequest, false},
	CodeIncompleteSignature:        {http.StatusBadRequest, false},
	CodeInvalidAccessKeyIDNotFound: {http.StatusNotFound, false},
	CodeSignatureDoesNotMatch:      {http.StatusBadRequest, false},
	CodeInvalidTimeStampFormat:     {http.StatusBadRequest, false},
	CodeInvalidTimeStampExpired:    {http.StatusBadRequest, false},
	CodeSignatureNonceUsed:         {http.StatusBadRequest, false},
	CodeInvalidActionNotFound:      {http.StatusNotFound, false},
	CodeInvalidVersion:             {http.StatusBadRequest, false},
	CodeUnsupportedHTTPMethod:      {http.StatusBadRequest, false},
	CodeMissingSecurityToken:       {http.StatusBadRequest, false},
	CodeSecurityTokenMismatch:      {http.StatusBadRequest, false},
	CodeSecurityTokenExpired:       {http.StatusBadRequest, false},
	CodeThrottlingUser:             {http.StatusBadRequest, false},
	CodeServiceUnavailable:         {http.StatusServiceUnavailable, false},

	CodeParameterFieldCheckFailed: {http.StatusBadRequest, true},
	CodeFindDeviceBySnError:       {http.StatusBadRequest, true},
	CodeFindCaBySnError:           {http.StatusBadRequest, true},
	CodeMqttInstanceNotFound:      {http.StatusBadRequest, true},
	CodeMqttOwnerCheckError:       {http.StatusForbidden, true},
	CodeSystemOverFlow:            {http.StatusForbidden, true},
	CodeInternalError:             {http.StatusExpectationFailed, true},
	CodeRegisterCodeError:         {http.StatusBadRequest, true},
	CodeRegisterCodeUsed:          {http.StatusUnauthorized, true},
	CodeCaNumExceed:               {http.StatusUnauthorized, true},
	CodeCertificateContentError:   {http.StatusUnauthorized, true},
	CodeSnNotUnique:               {http.StatusUnauthorized, true},

	CodeEntityNotExistRole:          {http.StatusNotFound, false},
	CodeNoPermission:                {http.StatusForbidden, false},
	CodeInvalidRoleArn:              {http.StatusBadRequest, false},
	CodeInvalidRoleSessionName:      {http.StatusBadRequest, false},
	CodeInvalidDurationSeconds:      {http.StatusBadRequest, false},
	CodeInvalidPolicyGrammar:        {http.StatusBadRequest, false},
	CodeInvalidSecurityTokenForRole: {http.StatusBadRequest, false},
}

// HTTPStatus returns the HTTP status the emulator answers for code. legacy
// selects the pre-change statuses (every MQTT-specific code answers 500).
// Unknown codes answer 500.
func HTTPStatus(code string, legacy bool) int {
	info, ok := codeTable[code]
	if !ok {
		return http.StatusInternalServerError
	}
	if legacy && info.mqtt {
		return http.StatusInternalServerError
	}
	return info.status
}

// apiError is an error answered to an API client as the usual POP JSON body.
type apiError struct {
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newErr(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Frequently used errors with the wording of the real service.
func errMissing(param string) *apiError {
	return newErr(CodeMissingParameter, "The input parameter %q that is mandatory for processing this request is not supplied.", param)
}

func errField(format string, args ...any) *apiError {
	return newErr(CodeParameterFieldCheckFailed, "Failed to validate the parameters. The parameters may be missing or invalid. "+format, args...)
}

func errInstanceNotFound() *apiError {
	return newErr(CodeMqttInstanceNotFound, "Specified instance is not found.")
}

func errOwner() *apiError {
	return newErr(CodeMqttOwnerCheckError, "Failed to validate the instance permission.")
}

func errDeviceNotFound() *apiError {
	return newErr(CodeFindDeviceBySnError, "Failed to find the device certificate by the SN. Please check sn is valid.")
}

func errCaNotFound() *apiError {
	return newErr(CodeFindCaBySnError, "Failed to find the CA by the SN. Please check sn is valid.")
}

func errInternal() *apiError {
	return newErr(CodeInternalError, "An error occurred while processing your request. Try again later.")
}
