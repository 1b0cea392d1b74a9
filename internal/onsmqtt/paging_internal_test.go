package onsmqtt

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestPastTheEnd(t *testing.T) {
	apiErr := func(code string) error {
		return &APIError{Action: "ListDeviceCertificateByCaSn", Code: code, Class: ClassifyCode(code)}
	}
	cases := []struct {
		err  error
		want bool
	}{
		{apiErr("FindDeviceBySnError"), true},
		{apiErr("FindCaBySnError"), true},
		{apiErr("ParameterFieldCheckFailed"), true},
		{fmt.Errorf("wrapped: %w", apiErr("FindDeviceBySnError")), true},
		{apiErr("SystemOverFlow"), false},
		{apiErr("Forbidden.RAM"), false},
		{apiErr("InternalError"), false},
		{errors.New("connection reset by peer"), false},
		// A timeout or a cancellation is never the end of the list, whatever
		// failed last.
		{&TimeoutError{Action: "ListDeviceCertificateByCaSn", Attempts: 3, Last: apiErr("FindDeviceBySnError"), Cause: context.DeadlineExceeded}, false},
		{&CanceledError{Action: "ListDeviceCertificateByCaSn", Attempts: 3, Last: apiErr("FindDeviceBySnError"), Cause: context.Canceled}, false},
	}
	for _, tc := range cases {
		if got := pastTheEnd(tc.err); got != tc.want {
			t.Errorf("pastTheEnd(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
