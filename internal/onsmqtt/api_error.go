package onsmqtt

import (
	"fmt"
	"strings"
)

// APIError is a failed OnsMqtt call, with what the user needs to act on it.
type APIError struct {
	Action     string
	Code       string
	Message    string
	RequestID  string
	HTTPStatus int
	Class      ErrorClass
	Attempts   int
	// CredentialSource names where the request's credentials came from
	// (CredentialSource.Name, e.g. "static keys" or "profile dev (AK)"),
	// when known, for the hints that concern them.
	CredentialSource string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed: %s", e.Action, e.Code)
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.HTTPStatus)
		if e.RequestID != "" {
			fmt.Fprintf(&b, ", request ID %s", e.RequestID)
		}
		b.WriteString(")")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if hint := e.Hint(); hint != "" {
		fmt.Fprintf(&b, ". %s", hint)
	}
	return b.String()
}

// Hint says what the user should do about this failure: for a permission
// failure, which RAM actions to grant for its action; otherwise what its
// code calls for.
func (e *APIError) Hint() string {
	if permissionCodes[e.Code] {
		return permissionHint(e.Action)
	}
	if e.Code == "SignatureDoesNotMatch" || e.Code == "IncompleteSignature" {
		return signatureHint(e.CredentialSource)
	}
	return codeHint(e.Code)
}

// signatureHint says what to check when the gateway rejects a signature,
// for the source the request's credentials came from.
func signatureHint(source string) string {
	const rejected = "The request signature was rejected"
	switch {
	case source == "static keys":
		return rejected + "; check that secret_key belongs to access_key (the provider block's, or else " +
			"ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_ACCESS_KEY_ID)"
	case strings.HasPrefix(source, "profile "):
		return rejected + "; check that the access_key_secret of " + source + " in the shared credentials file belongs to its access_key_id"
	case source != "":
		return rejected + "; the request was signed with temporary credentials from " + source + ", whose secret " +
			"should belong to its AccessKey ID: check that nothing between this machine and the endpoint (a proxy) changes requests"
	}
	return rejected + "; check that the AccessKey secret belongs to the AccessKey ID"
}

// codeHint says, for a documented code other than a permission failure,
// what the user should do about it.
func codeHint(code string) string {
	switch code {
	case "FindDeviceBySnError":
		return "The device certificate is not registered on this instance under this CA: devices register on their first TLS connection with a certificate signed by a registered CA; check instance_id, ca_sn and device_sn"
	case "FindCaBySnError":
		return "No CA certificate with this serial number is registered on the instance; check ca_sn"
	case "MqttInstanceNotFound":
		return "The instance does not exist in this region; check instance_id and the region (the resource's region, or the provider's)"
	case "MqttOwnerCheckError", "InstancePermissionCheckFailed":
		return "The instance belongs to another Alibaba Cloud account; use credentials of the owning account or check instance_id"
	case "ParameterFieldCheckFailed", "MissingParameter", "InvalidParameter":
		return "The request parameters were rejected; check the serial numbers (at most 128 bytes) and the instance ID"
	case "InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive":
		return "The AccessKey ID is unknown or disabled; check access_key or the credentials profile"
	case "InvalidTimeStamp.Expired", "InvalidTimeStamp.Format":
		return "The request timestamp was rejected; check this machine's clock"
	case "InvalidSecurityToken.Expired", "InvalidSecurityToken.Mismatch", "InvalidSecurityToken.Malformed":
		return "The STS security token is expired or does not match the AccessKey; refresh the temporary credentials"
	case "EntityNotExist.Role":
		return "The role in assume_role.role_arn does not exist; check the ARN"
	case "RegisterCodeError":
		return "The verification certificate's common name must equal the instance's current registration code (data source apsaramq_mqtt_register_code)"
	case "RegisterCodeUsed":
		return "The registration code was already used; fetch the current code and issue a new verification certificate"
	case "CaNumExceed":
		return "The instance has reached its CA certificate limit; delete an unused CA first"
	case "CertificateContentError":
		return "The certificate content is invalid; the CA certificate must carry BasicConstraints CA=true and the verification certificate must be signed by it"
	case "SnNotUnique":
		return "This CA certificate is already registered, on this instance or on another instance in the same region: " +
			"a CA certificate can be registered with one instance per region (instances in other regions may share it); " +
			"import the existing registration, delete it from the other instance, or use another CA"
	}
	return ""
}
