package mqtt

import (
	"context"
	"strings"
	"testing"

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
		for _, want := range tc.want {
			if !strings.Contains(detail, want) {
				t.Errorf("%T: detail lacks %q:\n%s", tc.err, want, detail)
			}
		}
		for _, unwanted := range tc.notWanted {
			if strings.Contains(detail, unwanted) {
				t.Errorf("%T: detail says %q:\n%s", tc.err, unwanted, detail)
			}
		}
	}
}
