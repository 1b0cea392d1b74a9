package onsmqtt

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
)

// CredentialError says that the credentials for a call could not be had:
// which source failed, what it answered and what to do. Its class decides
// whether the call is retried: a misconfiguration (a missing token file, a
// trust policy that does not name the caller, no metadata service) fails
// at once; an STS outage or throttling is retried like any call.
type CredentialError struct {
	Source    string // e.g. "assume_role_with_oidc"
	Problem   string // what failed, without secrets
	Code      string // the service's error code, when one answered
	RequestID string
	Fix       string
	Class     ErrorClass
}

func (e *CredentialError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "credentials from %s: %s", e.Source, e.Problem)
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s", e.Code)
		if e.RequestID != "" {
			fmt.Fprintf(&b, ", request ID %s", e.RequestID)
		}
		b.WriteString(")")
	}
	if e.Fix != "" {
		fmt.Fprintf(&b, ". %s", e.Fix)
	}
	return b.String()
}

// CodeCredentialsUnavailable is the code of a call that had no credentials
// (the provider's own, not the service's); the message says which source
// failed, with the service's code if one answered, and the fix.
const CodeCredentialsUnavailable = "CredentialsUnavailable"

// Unwrap presents the error as an *APIError of its class, so the retry
// loop and Classify treat it like a failed call, and so that whoever shows
// an *APIError's code and message shows the whole story.
func (e *CredentialError) Unwrap() error {
	return &APIError{Action: "credentials", Code: CodeCredentialsUnavailable, Message: e.Error(), RequestID: e.RequestID, Class: e.Class}
}

// ServiceAnswer is an error body of an Alibaba Cloud service (or a
// credential service speaking its format) that a credential library put
// into its error text.
type ServiceAnswer struct {
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	RequestID string `json:"RequestId"`
}

// ParseServiceAnswer finds the JSON error body in a library's error text,
// such as "get session token failed: {...}". The message is cut at the
// string to sign that signature errors echo (it holds the security token
// of a request signed with temporary credentials, as in a role chain).
func ParseServiceAnswer(text string) (ServiceAnswer, bool) {
	i := strings.Index(text, "{")
	if i < 0 {
		return ServiceAnswer{}, false
	}
	var a ServiceAnswer
	if err := json.Unmarshal([]byte(text[i:]), &a); err != nil || a.Code == "" {
		return ServiceAnswer{}, false
	}
	a.Message = withoutStringToSign(a.Message, false)
	return a, true
}

// STSAnswerClass classifies an STS error code: throttling and service
// failures are worth another attempt, everything else is the caller's to fix.
func STSAnswerClass(code string) ErrorClass {
	if c := ClassifyCode(code); c == ClassThrottled || c == ClassTransient {
		return c
	}
	if strings.HasPrefix(code, "HTTP5") || code == "InternalError" || code == "ServiceUnavailable" {
		return ClassTransient
	}
	return ClassPermanent
}

// NetworkTrouble describes a failure to reach a credential endpoint, and
// whether another attempt may help: a refused connection, an unknown host,
// an unreachable network or an untrusted certificate will not change, a
// timeout or a reset may.
func NetworkTrouble(err error) (problem string, class ErrorClass, ok bool) {
	var (
		urlErr *url.Error
		dnsErr *net.DNSError
	)
	text := err.Error()
	switch {
	case errors.Is(err, syscall.ECONNREFUSED) || strings.Contains(text, "connection refused"):
		return "nothing listens there (connection refused)", ClassPermanent, true
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH) ||
		strings.Contains(text, "network is unreachable") || strings.Contains(text, "no route to host"):
		return "the address cannot be reached from this machine", ClassPermanent, true
	case errors.As(err, &dnsErr) || strings.Contains(text, "no such host"):
		return "the host name is unknown to DNS", ClassPermanent, true
	case endpointProblem(err) != 0 || strings.Contains(text, "x509:") || strings.Contains(text, "tls:"):
		return "its TLS certificate is not trusted by this machine (or it does not speak HTTPS)", ClassPermanent, true
	case strings.Contains(text, "Client.Timeout") || strings.Contains(text, "i/o timeout") || strings.Contains(text, "deadline exceeded"):
		return "it did not answer in time", ClassTransient, true
	case strings.Contains(text, "connection reset") || strings.Contains(text, "EOF") || strings.Contains(text, "broken pipe"):
		return "the connection broke", ClassTransient, true
	case errors.As(err, &urlErr):
		return "the request failed", ClassTransient, true
	}
	return "", ClassPermanent, false
}

// FileTrouble describes a local file that cannot be read, if err is one.
func FileTrouble(err error) (string, bool) {
	var pathErr *os.PathError
	if !errors.As(err, &pathErr) {
		return "", false
	}
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf("the file %s does not exist", pathErr.Path), true
	case errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("the file %s cannot be read by this user", pathErr.Path), true
	}
	return fmt.Sprintf("the file %s cannot be read (%v)", pathErr.Path, pathErr.Err), true
}
