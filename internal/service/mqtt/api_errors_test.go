package mqtt

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// An operation that ended with its context says whether it timed out or was
// cancelled, and shows the service's last answer with its request ID; only
// a timeout advises raising the timeouts.
func TestAPIErrorDetailTellsATimeoutFromACancellation(t *testing.T) {
	last := &onsmqtt.APIError{Action: "GetDeviceCertificate", Code: "ServiceUnavailable", Message: "try later",
		RequestID: "5F2C1A3B-REQ", HTTPStatus: 503, Class: onsmqtt.ClassTransient}
	for _, tc := range []struct {
		err       error
		want      []string
		notWanted []string
	}{
		{&onsmqtt.TimeoutError{Action: "GetDeviceCertificate", Attempts: 4, Last: last, Cause: context.DeadlineExceeded},
			[]string{"timed out after 4 attempt(s)", "Raise the resource's timeouts", "Code: ServiceUnavailable", "Request ID: 5F2C1A3B-REQ"}, []string{"cancelled"}},
		{&onsmqtt.CanceledError{Action: "GetDeviceCertificate", Attempts: 4, Last: last, Cause: context.Canceled},
			[]string{"was cancelled after 4 attempt(s)", "Code: ServiceUnavailable", "Request ID: 5F2C1A3B-REQ"}, []string{"timed out", "timeouts"}},
		{&onsmqtt.CanceledError{Action: "GetDeviceCertificate", Attempts: 1, Cause: context.Canceled},
			[]string{"was cancelled after 1 attempt(s)"}, []string{"timed out", "timeouts", "Last error"}},
	} {
		detail := apiErrorDetail("GetDeviceCertificate", tc.err)
		checkDetail(t, fmt.Sprintf("%T", tc.err), detail, tc.want, tc.notWanted)
	}
}

// A list that ran out of time says how far it got, whether anything failed,
// and which of the resource's timeouts to raise; a list that failed
// otherwise reads as any API error.
func TestListErrorDetail(t *testing.T) {
	last := &onsmqtt.APIError{Action: "ListDeviceCertificateByCaSn", Code: "ServiceUnavailable", Message: "try later",
		RequestID: "5F2C1A3B-REQ", HTTPStatus: 503, Class: onsmqtt.ClassTransient}
	slow := &onsmqtt.ListIncompleteError{Action: "ListDeviceCertificateByCaSn", Pages: 778, Implied: 1001, Items: 77800, Elapsed: 127 * time.Second,
		Err: &onsmqtt.TimeoutError{Action: "ListDeviceCertificateByCaSn", Attempts: 1, Cause: context.DeadlineExceeded}}
	failing := &onsmqtt.ListIncompleteError{Action: "ListDeviceCertificateByCaSn", Pages: 3, Items: 300, Elapsed: time.Minute,
		Err: &onsmqtt.TimeoutError{Action: "ListDeviceCertificateByCaSn", Attempts: 9, Last: last, Cause: context.DeadlineExceeded}}
	read := operationTimeout{"read", 2 * time.Minute}
	for _, tc := range []struct {
		err       error
		op        operationTimeout
		want      []string
		notWanted []string
	}{
		{slow, read, []string{"ran out of time after 778 page(s) of about 1001 (77800 certificates) in 2m7s", "read timeout (2m0s) ended",
			"No call failed", "timeouts { read = \"10m\" }"}, []string{"kept failing", "Last error"}},
		{failing, operationTimeout{"delete", 5 * time.Minute}, []string{"after 3 page(s) (300 certificates) in 1m0s", "delete timeout (5m0s)",
			"also failing", "Raise timeouts.delete", "Last error: ListDeviceCertificateByCaSn failed", "Request ID: 5F2C1A3B-REQ"}, []string{"No call failed"}},
		{&onsmqtt.TimeoutError{Action: "ListDeviceCertificateByCaSn", Attempts: 1, Cause: context.DeadlineExceeded}, read,
			[]string{"ran out of time before its first page answered", "Raise timeouts.read"}, nil},
		{last, read, []string{"ListDeviceCertificateByCaSn failed", "Code: ServiceUnavailable"}, []string{"ran out of time", "timeouts"}},
	} {
		detail := listErrorDetail("ListDeviceCertificateByCaSn", tc.op, tc.err)
		checkDetail(t, fmt.Sprint(tc.err), detail, tc.want, tc.notWanted)
	}
}

// checkDetail checks that detail, the error detail of what, says every
// phrase of want and none of notWanted.
func checkDetail(t *testing.T, what, detail string, want, notWanted []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(detail, w) {
			t.Errorf("%s: detail lacks %q:\n%s", what, w, detail)
		}
	}
	for _, unwanted := range notWanted {
		if strings.Contains(detail, unwanted) {
			t.Errorf("%s: detail says %q:\n%s", what, unwanted, detail)
		}
	}
}
