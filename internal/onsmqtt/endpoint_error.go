package onsmqtt

import (
	"errors"
	"fmt"
	"net"
	"time"
)

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

// endpointError is the *EndpointError of problem at svc's endpoint; it names
// the client's region when that endpoint is the region's default.
func (c *Client) endpointError(svc service, action string, problem EndpointProblem, err error) *EndpointError {
	e := &EndpointError{Action: action, Endpoint: svc.endpoint, Setting: svc.setting(), Problem: problem, Err: err}
	if def, perr := ParseEndpoint(svc.defaultEndpoint(c.region)); perr == nil && def == svc.endpoint {
		e.Region = c.region
	}
	return e
}

// nothingAnswers turns the last refused attempt into the error that ends the
// operation once RetryPolicy.RefusedBudget is spent.
func nothingAnswers(err error, attempts int, waited time.Duration) error {
	var transport *TransportError
	if !errors.As(err, &transport) {
		return err
	}
	return &EndpointError{Action: transport.Action, Endpoint: transport.Endpoint, Setting: transport.Setting,
		Problem: EndpointNothingAnswers, Attempts: attempts, Waited: waited, Err: transport.Err}
}

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
