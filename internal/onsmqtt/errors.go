package onsmqtt

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
)

// ErrorClass tells a caller what to do with a failed call.
type ErrorClass int

const (
	// ClassPermanent errors will fail the same way again; surface them.
	ClassPermanent ErrorClass = iota
	// ClassNotFound means the addressed certificate or instance does not exist.
	ClassNotFound
	// ClassThrottled means the account or API is over its rate; retry later.
	ClassThrottled
	// ClassTransient means the service or network failed temporarily; retry.
	ClassTransient
	// ClassMisconfigured means the endpoint setting (scheme, host or port) or
	// the trust in its certificate is wrong: no retry can help, so the call
	// fails at once with the fix (an *EndpointError).
	ClassMisconfigured
)

func (c ErrorClass) String() string {
	switch c {
	case ClassNotFound:
		return "not found"
	case ClassThrottled:
		return "throttled"
	case ClassTransient:
		return "transient"
	case ClassMisconfigured:
		return "endpoint misconfigured"
	default:
		return "permanent"
	}
}

// Retryable reports whether a call failing with this class may succeed later.
func (c ErrorClass) Retryable() bool { return c == ClassThrottled || c == ClassTransient }

// Codes the service documents, grouped by what they mean to a caller. The
// HTTP status of several of them changed from 500 to 4xx, so only the code
// is trusted.
var (
	notFoundCodes = map[string]bool{
		"FindDeviceBySnError":  true,
		"FindCaBySnError":      true,
		"MqttInstanceNotFound": true,
	}
	throttledCodes = map[string]bool{
		"SystemOverFlow":      true,
		"Throttling":          true,
		"Throttling.User":     true,
		"Throttling.Api":      true,
		"Rejected.Throttling": true,
	}
	transientCodes = map[string]bool{
		"InternalError":      true,
		"ServiceUnavailable": true,
		"GetCaNumError":      true,
		"SDK.TimeoutError":   true,
		// Every attempt is signed with a fresh nonce, so a replayed nonce can
		// only come from net/http resending an idempotent GET after the
		// connection broke once the gateway had already seen it. A new
		// attempt carries a new nonce.
		"SignatureNonceUsed": true,
	}
)

// ClassifyCode classifies a service error code.
func ClassifyCode(code string) ErrorClass {
	switch {
	case notFoundCodes[code]:
		return ClassNotFound
	case throttledCodes[code], strings.HasPrefix(code, "Throttling."):
		return ClassThrottled
	case transientCodes[code]:
		return ClassTransient
	default:
		return ClassPermanent
	}
}

// APIError is a failed OnsMqtt call, with what the user needs to act on it.
type APIError struct {
	Action     string
	Code       string
	Message    string
	RequestID  string
	HTTPStatus int
	Recommend  string
	Class      ErrorClass
	Attempts   int
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

// Hint says what the user should do about this failure: Hint of its code,
// or, for a permission failure, which RAM actions to grant for its action.
func (e *APIError) Hint() string {
	if e.Code == "PermissionCheckFailed" || e.Code == "Forbidden.RAM" || e.Code == "NoPermission" {
		return permissionHint(e.Action)
	}
	return Hint(e.Code)
}

// Hint says, for a documented code, what the user should do about it.
func Hint(code string) string {
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
	case "SignatureDoesNotMatch", "IncompleteSignature":
		return "The request signature was rejected; check that secret_key belongs to access_key"
	case "InvalidTimeStamp.Expired", "InvalidTimeStamp.Format":
		return "The request timestamp was rejected; check this machine's clock"
	case "InvalidSecurityToken.Expired", "InvalidSecurityToken.Mismatch", "InvalidSecurityToken.Malformed":
		return "The STS security token is expired or does not match the AccessKey; refresh the temporary credentials"
	case "PermissionCheckFailed", "Forbidden.RAM", "Forbidden", "NoPermission":
		return "The RAM identity lacks permission for this action; grant the matching mq:* action on the instance"
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

// IsNotFound reports whether err says the addressed object does not exist.
func IsNotFound(err error) bool { return Classify(err) == ClassNotFound }

// Classify returns the class of any error a call returned.
func Classify(err error) ErrorClass {
	if err == nil {
		return ClassPermanent
	}
	// Before *APIError: an EndpointError may wrap the bare answer that led
	// to it.
	var endpointErr *EndpointError
	if errors.As(err, &endpointErr) || endpointProblem(err) != 0 {
		return ClassMisconfigured
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Class
	}
	if errors.Is(err, context.Canceled) {
		return ClassPermanent
	}
	// A per-attempt timeout also wraps context.DeadlineExceeded, so failures
	// of the HTTP exchange are looked at first; the caller's own deadline is
	// handled by the retry loop, which checks its context before classifying.
	var (
		urlErr *url.Error
		opErr  *net.OpError
	)
	if errors.As(err, &urlErr) || errors.As(err, &opErr) {
		return ClassTransient
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ClassPermanent
	}
	// Connection resets and truncated responses surface as plain errors
	// from net/http; they are worth another attempt.
	msg := err.Error()
	for _, s := range []string{"connection reset", "EOF", "broken pipe", "connection refused", "Client.Timeout"} {
		if strings.Contains(msg, s) {
			return ClassTransient
		}
	}
	return ClassPermanent
}

// toAPIError converts what the SDK returned into an *APIError when the
// service answered, an *EndpointError when the endpoint setting is wrong,
// or a *TransportError. The SDK's own error text is avoided because it
// dumps response headers.
func (c *Client) toAPIError(ctx context.Context, svc service, action string, err error) error {
	var server *sdkerrors.ServerError
	if errors.As(err, &server) {
		apiErr := apiErrorFrom(action, server)
		// A TLS port may answer plain HTTP with a bare 400 (Go's servers do
		// when the request is short): no API code, so ask the port itself.
		if svc.endpoint.Scheme == "http" && server.ErrorCode() == "" && server.HttpStatus() == http.StatusBadRequest &&
			speaksTLS(ctx, svc.endpoint.Host) {
			return c.endpointError(svc, action, EndpointSpeaksTLS, apiErr)
		}
		return apiErr
	}
	var client *sdkerrors.ClientError
	if errors.As(err, &client) {
		if client.OriginError() == nil {
			return &APIError{Action: action, Code: client.ErrorCode(), Message: client.Message(), Class: ClassifyCode(client.ErrorCode())}
		}
		err = client.OriginError()
	}
	if problem := endpointProblem(err); problem != 0 {
		return c.endpointError(svc, action, problem, err)
	}
	if svc.endpoint.Scheme == "http" && exchangeFailed(err) && speaksTLS(ctx, svc.endpoint.Host) {
		return c.endpointError(svc, action, EndpointSpeaksTLS, err)
	}
	return &TransportError{Action: action, Endpoint: svc.endpoint, Setting: svc.setting(), Err: err}
}

func apiErrorFrom(action string, server *sdkerrors.ServerError) *APIError {
	code := server.ErrorCode()
	if code == "" {
		code = fmt.Sprintf("HTTP%d", server.HttpStatus())
	}
	class := ClassifyCode(code)
	if class == ClassPermanent && (server.HttpStatus() >= 502 || strings.HasPrefix(code, "HTTP5")) {
		// Gateway failures and bodies without a code come from load
		// balancers in front of the service, not from the API itself.
		class = ClassTransient
	}
	return &APIError{
		Action:     action,
		Code:       code,
		Message:    withoutStringToSign(server.Message()),
		RequestID:  server.RequestId(),
		HTTPStatus: server.HttpStatus(),
		Recommend:  server.Recommend(),
		Class:      class,
	}
}

// processCommonRequest sends req and turns a panic of the SDK into an error.
// The SDK type-asserts the error body's RequestId, Code, Message etc. to
// strings, so an answer like {"Code":500} from a proxy or a misbehaving
// gateway would otherwise crash the whole provider (found by
// FuzzClassifyResponse).
func processCommonRequest(client *sdk.Client, req *requests.CommonRequest) (resp *responses.CommonResponse, err error) {
	defer func() {
		if r := recover(); r != nil {
			resp, err = nil, fmt.Errorf("the endpoint's answer could not be read (malformed error body): %v", r)
		}
	}()
	return client.ProcessCommonRequest(req)
}

// stringToSignMarker starts the part of a SignatureDoesNotMatch message in
// which the gateway echoes its string to sign: every request parameter,
// the SecurityToken of temporary credentials included.
const stringToSignMarker = "server string to sign is:"

// withoutStringToSign drops the echoed string to sign, so an error shown to
// the user or logged never carries the security token (found by the
// TF_LOG=TRACE secrets scan in internal/enginetest).
func withoutStringToSign(msg string) string {
	i := strings.Index(msg, stringToSignMarker)
	if i < 0 {
		return msg
	}
	return strings.TrimSpace(msg[:i]) + " (the server's string to sign is withheld: it contains the security token)"
}

// TransportError is a call that got no answer from the service, for a
// reason that may pass (a reset, a timeout, a refused connection within
// RetryPolicy.RefusedBudget).
type TransportError struct {
	Action   string
	Endpoint Endpoint
	Setting  string // the provider setting that chose Endpoint
	Err      error
}

func (e *TransportError) Error() string {
	cause := withoutURL(e.Err)
	where := "the endpoint"
	if e.Endpoint != (Endpoint{}) {
		where = e.Endpoint.String()
	}
	return fmt.Sprintf("%s: no answer from %s: %v", e.Action, where, cause)
}

func (e *TransportError) Unwrap() error { return e.Err }

// withoutURL drops a *url.Error's text, which repeats the whole signed URL;
// the cause alone is what helps.
func withoutURL(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}

// EndpointProblem says what is wrong at an endpoint that no retry can fix.
type EndpointProblem int

const (
	// EndpointPlainHTTP: HTTPS was spoken to a server that answers plain HTTP.
	EndpointPlainHTTP EndpointProblem = iota + 1
	// EndpointNotTLS: HTTPS was spoken to a port that answers neither TLS nor HTTP.
	EndpointNotTLS
	// EndpointSpeaksTLS: plain HTTP was spoken to a port that speaks TLS.
	EndpointSpeaksTLS
	// EndpointUntrusted: the server's certificate failed verification.
	EndpointUntrusted
	// EndpointUnknownHost: DNS says the endpoint's host does not exist.
	EndpointUnknownHost
	// EndpointNothingAnswers: every connection was refused for
	// RetryPolicy.RefusedBudget.
	EndpointNothingAnswers
)

// EndpointError is a call that cannot succeed at its endpoint however often
// it is retried: the scheme, host or port is wrong, or this machine does not
// trust the server's certificate. It is ClassMisconfigured.
type EndpointError struct {
	Action   string
	Endpoint Endpoint
	Setting  string // the provider setting that chose Endpoint
	Problem  EndpointProblem
	// Region is set when Endpoint is that region's default endpoint, so
	// the region, not an endpoint setting, is what to check.
	Region   string
	Attempts int
	Waited   time.Duration // how long refused connections were retried
	Err      error
}

func (e *EndpointError) Error() string {
	return fmt.Sprintf("%s: %s. %s", e.Action, e.Diagnosis(), e.Fix())
}

func (e *EndpointError) Unwrap() error { return e.Err }

// Diagnosis says what was found at the endpoint, with the underlying failure.
func (e *EndpointError) Diagnosis() string {
	cause := withoutURL(e.Err)
	var answer *APIError
	if errors.As(e.Err, &answer) {
		cause = fmt.Errorf("HTTP %d: %s", answer.HTTPStatus, answer.Message)
	}
	switch e.Problem {
	case EndpointPlainHTTP:
		return fmt.Sprintf("the endpoint %s speaks plain HTTP, not HTTPS (%v)", e.Endpoint, cause)
	case EndpointNotTLS:
		return fmt.Sprintf("the endpoint %s does not speak TLS (%v)", e.Endpoint, cause)
	case EndpointSpeaksTLS:
		return fmt.Sprintf("the endpoint %s speaks HTTPS (TLS), not plain HTTP: the plain-HTTP exchange failed (%v) and the port completed a TLS handshake", e.Endpoint, cause)
	case EndpointUntrusted:
		return fmt.Sprintf("the certificate of the endpoint %s %s (%v)", e.Endpoint, certificateTrouble(e.Err), cause)
	case EndpointUnknownHost:
		var dns *net.DNSError
		if errors.As(e.Err, &dns) {
			cause = dns
		}
		return fmt.Sprintf("the host %s of the endpoint %s does not exist (%v)", e.Endpoint.Hostname(), e.Endpoint, cause)
	case EndpointNothingAnswers:
		return fmt.Sprintf("nothing answers at %s: connections were refused for %v, %d attempts (%v)",
			e.Endpoint, e.Waited.Round(100*time.Millisecond), e.Attempts, cause)
	default:
		return fmt.Sprintf("the endpoint %s cannot serve the call (%v)", e.Endpoint, cause)
	}
}

// Fix says what the user should change.
func (e *EndpointError) Fix() string {
	switch e.Problem {
	case EndpointPlainHTTP:
		return fmt.Sprintf("If it is a local emulator, use http://%s in %s; otherwise check the port", e.Endpoint.Host, e.Setting)
	case EndpointNotTLS:
		return fmt.Sprintf("Check the scheme and the port in %s", e.Setting)
	case EndpointSpeaksTLS:
		return fmt.Sprintf("Use https://%s in %s, or check the port", e.Endpoint.Host, e.Setting)
	case EndpointUntrusted:
		return fmt.Sprintf("Check that the host is the API's (%s, else the region's default endpoint). "+
			"If a corporate proxy inspects TLS, trust its CA: add it to the system's trust store or, on Linux, "+
			"point SSL_CERT_FILE at a CA bundle that includes it", e.Setting)
	case EndpointUnknownHost:
		if e.Region != "" {
			return fmt.Sprintf("It is the default endpoint of region %q: check region, or set %s", e.Region, e.Setting)
		}
		return fmt.Sprintf("Check the host in %s", e.Setting)
	case EndpointNothingAnswers:
		return fmt.Sprintf("Start the emulator if it is one, check the port, or check %s", e.Setting)
	default:
		return "Check " + e.Setting
	}
}
