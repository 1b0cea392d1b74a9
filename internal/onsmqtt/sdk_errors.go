package onsmqtt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
)

// toAPIError converts what the SDK returned into an *APIError when the
// service answered, an *EndpointError when the endpoint setting is wrong,
// or a *TransportError. The SDK's own error text is avoided because it
// dumps response headers.
func (c *Client) toAPIError(ctx context.Context, svc service, action string, creds Credentials, err error) error {
	var server *sdkerrors.ServerError
	if errors.As(err, &server) {
		apiErr := apiErrorFrom(action, server, creds.SecurityToken != "")
		apiErr.CredentialSource = c.credentials.Name()
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

// apiErrorFrom reads the service's answer; tokenSent says whether the
// request carried a security token (which the echoed string to sign holds).
func apiErrorFrom(action string, server *sdkerrors.ServerError, tokenSent bool) *APIError {
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
		Message:    withoutStringToSign(server.Message(), tokenSent),
		RequestID:  server.RequestId(),
		HTTPStatus: server.HttpStatus(),
		Class:      class,
	}
}

// stringToSignMarker starts the part of a SignatureDoesNotMatch message in
// which the gateway echoes its string to sign: every request parameter,
// the SecurityToken of temporary credentials included.
const stringToSignMarker = "server string to sign is:"

// withoutStringToSign drops the echoed string to sign, so an error shown to
// the user or logged never carries a security token (found by the
// TF_LOG=TRACE secrets scan in internal/enginetest), and says why only when
// the request carried one (tokenSent).
func withoutStringToSign(msg string, tokenSent bool) string {
	i := strings.Index(msg, stringToSignMarker)
	if i < 0 {
		return msg
	}
	why := ""
	if tokenSent {
		why = ": it contains the request's security token"
	}
	return strings.TrimSpace(msg[:i]) + " (the server's string to sign is left out of this message" + why + ")"
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
