package onsmqtt

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
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

// IsNotFound reports whether err says the addressed object does not exist.
func IsNotFound(err error) bool { return Classify(err) == ClassNotFound }

// Classify returns the class of any error a call returned.
func Classify(err error) ErrorClass {
	if err == nil {
		return ClassPermanent
	}
	// A cancelled operation is stopped whatever it heard last (a *CanceledError
	// keeps its last answer): not found, or worth another try, says nothing
	// about a call the caller gave up.
	if errors.Is(err, context.Canceled) {
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
