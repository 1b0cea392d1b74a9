package onsmqtt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
)

func TestClassifyCode(t *testing.T) {
	cases := map[string]ErrorClass{
		"FindDeviceBySnError":         ClassNotFound,
		"FindCaBySnError":             ClassNotFound,
		"MqttInstanceNotFound":        ClassNotFound,
		"SystemOverFlow":              ClassThrottled,
		"Throttling":                  ClassThrottled,
		"Throttling.User":             ClassThrottled,
		"Throttling.Api":              ClassThrottled,
		"Throttling.SomethingNew":     ClassThrottled,
		"InternalError":               ClassTransient,
		"ServiceUnavailable":          ClassTransient,
		"SignatureNonceUsed":          ClassTransient,
		"MqttOwnerCheckError":         ClassPermanent,
		"SignatureDoesNotMatch":       ClassPermanent,
		"InvalidAccessKeyId.NotFound": ClassPermanent,
		"ParameterFieldCheckFailed":   ClassPermanent,
		"":                            ClassPermanent,
	}
	for code, want := range cases {
		if got := ClassifyCode(code); got != want {
			t.Errorf("ClassifyCode(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestClassifyTransportErrors(t *testing.T) {
	cases := []struct {
		err  error
		want ErrorClass
	}{
		{nil, ClassPermanent},
		{&APIError{Code: "X", Class: ClassThrottled}, ClassThrottled},
		{fmt.Errorf("wrapped: %w", &APIError{Code: "FindDeviceBySnError", Class: ClassNotFound}), ClassNotFound},
		{&TransportError{Action: "A", Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}, ClassTransient},
		{&TransportError{Action: "A", Err: io.ErrUnexpectedEOF}, ClassTransient},
		{&TransportError{Action: "A", Err: context.Canceled}, ClassPermanent},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), ClassPermanent},
		{errors.New("something else"), ClassPermanent},
	}
	for _, tc := range cases {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// FuzzClassifyCode: classification is total and stable, hints are sentences
// without trailing punctuation (the provider adds it).
func FuzzClassifyCode(f *testing.F) {
	for _, s := range []string{"", "FindDeviceBySnError", "Throttling.User", "Throttling.", "SystemOverFlow", "InternalError", "SignatureNonceUsed", "MqttOwnerCheckError", "HTTP502"} {
		f.Add(s, "message")
	}
	f.Fuzz(func(t *testing.T, code, msg string) {
		c := ClassifyCode(code)
		if c != ClassifyCode(code) {
			t.Fatal("unstable classification")
		}
		if strings.HasPrefix(code, "Throttling.") && c != ClassThrottled {
			t.Fatalf("%q classified %v", code, c)
		}
		if h := (&APIError{Code: code}).Hint(); h != "" && strings.HasSuffix(h, ".") {
			t.Fatalf("hint for %q ends with a period: %q", code, h)
		}
		e := &APIError{Action: "GetDeviceCertificate", Code: code, Message: msg, Class: c}
		if !strings.Contains(e.Error(), code) {
			t.Fatalf("APIError text %q lacks the code %q", e.Error(), code)
		}
		// Arbitrary failure text never passes for a not-found answer or
		// throttling: only the service's codes may say so.
		if cls := Classify(errors.New(msg)); cls == ClassNotFound || cls == ClassThrottled {
			t.Fatalf("plain error %q classified %v", msg, cls)
		}
	})
}

// A cancelled operation is not "not found" whatever it heard last, so that a
// caller stopped mid-operation never takes it for a deleted object; a timed
// out one keeps the class of its last failure.
func TestClassifyAnOperationThatEndedWithItsContext(t *testing.T) {
	notFound := &APIError{Code: "FindDeviceBySnError", Class: ClassNotFound}
	throttled := &APIError{Code: "Throttling.User", Class: ClassThrottled}
	cases := []struct {
		err  error
		want ErrorClass
	}{
		{&CanceledError{Action: "GetDeviceCertificate", Attempts: 3, Last: notFound, Cause: context.Canceled}, ClassPermanent},
		{&CanceledError{Action: "GetDeviceCertificate", Attempts: 3, Last: throttled, Cause: errors.New("stopping")}, ClassPermanent},
		{&TimeoutError{Action: "GetDeviceCertificate", Attempts: 3, Last: throttled, Cause: context.DeadlineExceeded}, ClassThrottled},
	}
	for _, tc := range cases {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
