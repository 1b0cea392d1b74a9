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
	CodeFindCABySnError           = "FindCaBySnError"
	CodeMqttInstanceNotFound      = "MqttInstanceNotFound"
	CodeMqttOwnerCheckError       = "MqttOwnerCheckError"
	CodeSystemOverFlow            = "SystemOverFlow"
	CodeInternalError             = "InternalError"
	CodeRegisterCodeError         = "RegisterCodeError"
	CodeRegisterCodeUsed          = "RegisterCodeUsed"
	CodeCANumExceed               = "CaNumExceed"
	CodeCertificateContentError   = "CertificateContentError"
	CodeSnNotUnique               = "SnNotUnique"
	// Product-wide MQTT codes (the "error codes" reference page), whose
	// statuses are not in the status-change announcement.
	CodeInstancePermissionCheckFailed = "InstancePermissionCheckFailed"
	CodePermissionCheckFailed         = "PermissionCheckFailed"

	// STS codes.
	CodeEntityNotExistRole     = "EntityNotExist.Role"
	CodeNoPermission           = "NoPermission"
	CodeInvalidRoleArn         = "InvalidParameter.RoleArn"
	CodeInvalidRoleSessionName = "InvalidParameter.RoleSessionName"
	CodeInvalidDurationSeconds = "InvalidParameter.DurationSeconds"
	CodeInvalidPolicyGrammar   = "InvalidParameter.PolicyGrammar"
)

// codeInfo is one row of the code table: the HTTP status answered today and,
// when it differs, the one answered under Options.LegacyStatuses (the docs
// before Alibaba's status-code change).
type codeInfo struct {
	status int
	legacy int // 0 = same as status
}

// Status of MQTT-specific codes before the status-code change.
const preChange = http.StatusInternalServerError

// codeTable is the single place that maps an error code to its HTTP status.
// Statuses of MQTT codes follow the "MQTT OpenAPI状态码调整" announcement;
// FindDeviceBySnError's new status is cut off in the stored docs and is taken
// as 400 by analogy with FindCaBySnError (UNCONFIRMED).
// InstancePermissionCheckFailed is 400 on both the RegisterCaCertificate page
// and the older product-wide error page, so legacy mode does not change it.
// PermissionCheckFailed is 403 on the current GetRegisterCode page and 400 on
// the older product-wide page; legacy mode answers the older 400.
var codeTable = map[string]codeInfo{
	CodeMissingParameter:           {http.StatusBadRequest, 0},
	CodeInvalidParameter:           {http.StatusBadRequest, 0},
	CodeIncompleteSignature:        {http.StatusBadRequest, 0},
	CodeInvalidAccessKeyIDNotFound: {http.StatusNotFound, 0},
	CodeSignatureDoesNotMatch:      {http.StatusBadRequest, 0},
	CodeInvalidTimeStampFormat:     {http.StatusBadRequest, 0},
	CodeInvalidTimeStampExpired:    {http.StatusBadRequest, 0},
	CodeSignatureNonceUsed:         {http.StatusBadRequest, 0},
	CodeInvalidActionNotFound:      {http.StatusNotFound, 0},
	CodeInvalidVersion:             {http.StatusBadRequest, 0},
	CodeUnsupportedHTTPMethod:      {http.StatusBadRequest, 0},
	CodeMissingSecurityToken:       {http.StatusBadRequest, 0},
	CodeSecurityTokenMismatch:      {http.StatusBadRequest, 0},
	CodeSecurityTokenExpired:       {http.StatusBadRequest, 0},
	CodeThrottlingUser:             {http.StatusBadRequest, 0},
	CodeServiceUnavailable:         {http.StatusServiceUnavailable, 0},

	CodeParameterFieldCheckFailed: {http.StatusBadRequest, preChange},
	CodeFindDeviceBySnError:       {http.StatusBadRequest, preChange},
	CodeFindCABySnError:           {http.StatusBadRequest, preChange},
	CodeMqttInstanceNotFound:      {http.StatusBadRequest, preChange},
	CodeMqttOwnerCheckError:       {http.StatusForbidden, preChange},
	CodeSystemOverFlow:            {http.StatusForbidden, preChange},
	CodeInternalError:             {http.StatusExpectationFailed, preChange},
	CodeRegisterCodeError:         {http.StatusBadRequest, preChange},
	CodeRegisterCodeUsed:          {http.StatusUnauthorized, preChange},
	CodeCANumExceed:               {http.StatusUnauthorized, preChange},
	CodeCertificateContentError:   {http.StatusUnauthorized, preChange},
	CodeSnNotUnique:               {http.StatusUnauthorized, preChange},

	CodeInstancePermissionCheckFailed: {http.StatusBadRequest, 0},
	CodePermissionCheckFailed:         {http.StatusForbidden, http.StatusBadRequest},

	CodeEntityNotExistRole:     {http.StatusNotFound, 0},
	CodeNoPermission:           {http.StatusForbidden, 0},
	CodeInvalidRoleArn:         {http.StatusBadRequest, 0},
	CodeInvalidRoleSessionName: {http.StatusBadRequest, 0},
	CodeInvalidDurationSeconds: {http.StatusBadRequest, 0},
	CodeInvalidPolicyGrammar:   {http.StatusBadRequest, 0},

	CodeAuthNoPermission:     {http.StatusUnauthorized, 0},
	CodeOIDCTokenInvalid:     {http.StatusUnauthorized, 0},
	CodeOIDCTokenExpired:     {http.StatusUnauthorized, 0},
	CodeOIDCAudienceNotMatch: {http.StatusUnauthorized, 0},
	CodeOIDCInvalidSignature: {http.StatusUnauthorized, 0},
	CodeOIDCHTTPSURLInvalid:  {http.StatusUnauthorized, 0},
}

// HTTPStatus returns the HTTP status the emulator answers for code. legacy
// selects the statuses documented before the status-code change (500 for
// most MQTT-specific codes). Unknown codes answer 500.
func HTTPStatus(code string, legacy bool) int {
	info, ok := codeTable[code]
	if !ok {
		return http.StatusInternalServerError
	}
	if legacy && info.legacy != 0 {
		return info.legacy
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

// errInstancePermission is what RegisterCaCertificate answers for another
// account's instance (its error table lists this code, not MqttOwnerCheckError).
func errInstancePermission() *apiError {
	return newErr(CodeInstancePermissionCheckFailed, "An error occurred while validating the permissions of the instance. Please verify the account that created the instance and its permissions settings.")
}

func errDeviceNotFound() *apiError {
	return newErr(CodeFindDeviceBySnError, "Failed to find the device certificate by the SN. Please check sn is valid.")
}

func errCANotFound() *apiError {
	return newErr(CodeFindCABySnError, "Failed to find the CA by the SN. Please check sn is valid.")
}

// errUnchangedStatus answers a no-op status change under
// Behaviour.StrictStatusChanges. The code is our guess: the docs list no
// code for it, and ParameterFieldCheckFailed is the one every certificate
// operation documents for a request it refuses.
func errUnchangedStatus(what, status string) *apiError {
	state := "active"
	if status == "0" {
		state = "inactive"
	}
	return errField("The %s certificate is already %s.", what, state)
}

func errInternal() *apiError {
	return newErr(CodeInternalError, "An error occurred while processing your request. Try again later.")
}
