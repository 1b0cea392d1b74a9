package mqtt

import (
	"errors"
	"fmt"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// apiErrorDetail renders an API failure with everything a user needs to act:
// the code, the service's message, the request ID for a support ticket, and
// what to do.
func apiErrorDetail(what string, err error) string {
	// A timeout wraps the last failure; say first that time ran out, or the
	// user sees only a transient code the provider had been retrying.
	var timeout *onsmqtt.TimeoutError
	if errors.As(err, &timeout) {
		if timeout.Last == nil {
			// Nothing failed: the call was still waiting (for the rate limit
			// or for its answer) when time ran out.
			return fmt.Sprintf("%s timed out after %d attempt(s) without an error from the service: the operation's timeout (%v) "+
				"ended while the call was still waiting for its turn or its answer. Raise the resource's timeouts.", what, timeout.Attempts, timeout.Cause)
		}
		detail := fmt.Sprintf("%s timed out after %d attempt(s): the operation's timeout (%v) ended while the service kept failing "+
			"with retryable errors. Raise the resource's timeouts, or retry once the service recovers.", what, timeout.Attempts, timeout.Cause)
		return detail + "\n\nLast error: " + apiErrorDetail(what, timeout.Last)
	}
	// A cancellation (an interrupt, or the engine stopping the provider) is
	// no timeout: no setting would have helped.
	var canceled *onsmqtt.CanceledError
	if errors.As(err, &canceled) {
		detail := fmt.Sprintf("%s was cancelled after %d attempt(s) (%v): the operation was stopped before it succeeded.", what, canceled.Attempts, canceled.Cause)
		if canceled.Last == nil {
			return detail
		}
		return detail + "\n\nLast error: " + apiErrorDetail(what, canceled.Last)
	}
	// A wrong endpoint first: it may wrap the bare answer that revealed it.
	var endpointErr *onsmqtt.EndpointError
	if errors.As(err, &endpointErr) {
		return fmt.Sprintf("%s failed, and retrying cannot help: %s.\n\n%s.", what, endpointErr.Diagnosis(), endpointErr.Fix())
	}
	var apiErr *onsmqtt.APIError
	if errors.As(err, &apiErr) {
		detail := fmt.Sprintf("%s failed.\n\nCode: %s\nMessage: %s", what, apiErr.Code, apiErr.Message)
		if apiErr.RequestID != "" {
			detail += "\nRequest ID: " + apiErr.RequestID
		}
		if apiErr.HTTPStatus != 0 {
			detail += fmt.Sprintf("\nHTTP status: %d", apiErr.HTTPStatus)
		}
		if apiErr.Attempts > 1 {
			detail += fmt.Sprintf("\nAttempts: %d", apiErr.Attempts)
		}
		if hint := apiErr.Hint(); hint != "" {
			detail += "\n\n" + hint + "."
		}
		return detail
	}
	return fmt.Sprintf("%s failed: %v", what, err)
}

// listErrorDetail renders a failed list of a CA's certificates: a list that
// ran out of time says how far it got in how long, whether anything failed,
// and which of the resource's timeouts (op) to raise; any other failure is
// apiErrorDetail's.
func listErrorDetail(action string, op operationTimeout, err error) string {
	var timeout *onsmqtt.TimeoutError
	if !errors.As(err, &timeout) {
		return apiErrorDetail(action, err)
	}
	progress := "before its first page answered"
	var incomplete *onsmqtt.ListIncompleteError
	if errors.As(err, &incomplete) {
		of := ""
		if incomplete.Implied > 0 {
			of = fmt.Sprintf(" of about %d", incomplete.Implied)
		}
		progress = fmt.Sprintf("after %d page(s)%s (%d certificates) in %s", incomplete.Pages, of, incomplete.Items, incomplete.Elapsed.Round(100*time.Millisecond))
	}
	detail := fmt.Sprintf("Reading the CA's certificates (%s, one call per 100 certificates) ran out of time %s: the resource's %s "+
		"timeout (%s) ended.", action, progress, op.name, op.limit)
	if timeout.Last == nil {
		detail += " No call failed: the service answered every call, and the read needs more time than the timeout gives it."
	} else {
		detail += " The service was also failing with retryable errors; the last one is below."
	}
	detail += fmt.Sprintf("\n\nRaise timeouts.%[1]s in the resource (for example timeouts { %[1]s = \"10m\" }). A read makes at most "+
		"the provider's rate_limit calls per second: a raised rate_limit helps only if the account's limit allows it.", op.name)
	if timeout.Last != nil {
		detail += "\n\nLast error: " + apiErrorDetail(action, timeout.Last)
	}
	return detail
}

// notRegisteredDetail explains a device certificate the broker has not
// registered, for the resource and the data source that name one.
func notRegisteredDetail(key onsmqtt.DeviceKey, err error) string {
	return fmt.Sprintf("No device certificate %s is registered on instance %s under CA %s.\n\n"+
		"Device certificates are not created through the API: the broker registers one when a device first "+
		"connects with a certificate signed by a registered, active CA. Connect the device once, then apply again "+
		"(or set wait_for_registration = true so that create waits for it); or check instance_id, ca_sn, device_sn and "+
		"region (the resource's, or the provider's when unset).\n\n%s",
		key.DeviceSn, key.InstanceID, key.CASn, apiErrorDetail("GetDeviceCertificate", err))
}
