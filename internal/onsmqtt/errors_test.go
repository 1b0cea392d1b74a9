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

func TestAPIErrorMessageCarriesWhatTheUserNeeds(t *testing.T) {
	err := &APIError{Action: "GetDeviceCertificate", Code: "MqttOwnerCheckError", Message: "Failed to validate the instance permission",
		RequestID: "RID-1", HTTPStatus: 403, Class: ClassPermanent, Attempts: 1}
	msg := err.Error()
	for _, want := range []string{"GetDeviceCertificate", "MqttOwnerCheckError", "Failed to validate", "RID-1", "HTTP 403", "another Alibaba Cloud account"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
}

func TestCredentialsNeverPrintSecrets(t *testing.T) {
	c := Credentials{AccessKeyID: "AKID", AccessKeySecret: "s3cr3t-value", SecurityToken: "t0ken-value"}
	for _, s := range []string{c.String(), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprint(&c)} {
		if strings.Contains(s, "s3cr3t-value") || strings.Contains(s, "t0ken-value") {
			t.Errorf("credentials formatted as %q expose a secret", s)
		}
		if !strings.Contains(s, "AKID") {
			t.Errorf("credentials formatted as %q lose the key ID", s)
		}
	}
}

func TestParseEndpoint(t *testing.T) {
	ok := map[string]Endpoint{
		"https://onsmqtt.cn-hangzhou.aliyuncs.com": {Scheme: "https", Host: "onsmqtt.cn-hangzhou.aliyuncs.com"},
		"onsmqtt-vpc.cn-shanghai.aliyuncs.com":     {Scheme: "https", Host: "onsmqtt-vpc.cn-shanghai.aliyuncs.com"},
		"http://127.0.0.1:8787":                    {Scheme: "http", Host: "127.0.0.1:8787"},
		"HTTP://localhost:1/":                      {Scheme: "http", Host: "localhost:1"},
	}
	for raw, want := range ok {
		got, err := ParseEndpoint(raw)
		if err != nil || got != want {
			t.Errorf("ParseEndpoint(%q) = %+v, %v; want %+v", raw, got, err, want)
		}
	}
	for _, raw := range []string{"", " https://x", "ftp://x", "https://", "https://user:pw@host", "https://host/path", "https://host?x=1", "://"} {
		if _, err := ParseEndpoint(raw); err == nil {
			t.Errorf("ParseEndpoint(%q): expected an error", raw)
		}
	}
	loop := map[string]bool{"http://127.0.0.1:1": true, "http://localhost:2": true, "http://[::1]:3": true, "http://10.0.0.1": false, "http://example.com": false}
	for raw, want := range loop {
		ep, err := ParseEndpoint(raw)
		if err != nil {
			t.Fatal(err)
		}
		if ep.Loopback() != want {
			t.Errorf("%s Loopback() = %v, want %v", raw, !want, want)
		}
	}
}

func TestValidateRegion(t *testing.T) {
	for _, r := range []string{"cn-hangzhou", "ap-southeast-1", "mq-internet-access", "us-west-1"} {
		if err := ValidateRegion(r); err != nil {
			t.Errorf("ValidateRegion(%q): %v", r, err)
		}
	}
	for _, r := range []string{"", "cnhangzhou", "CN-HANGZHOU", "cn_hangzhou", "cn-hangzhou ", "cn-", "-cn"} {
		if err := ValidateRegion(r); err == nil {
			t.Errorf("ValidateRegion(%q): expected an error", r)
		}
	}
}

// Every permission code gets the one permission hint: the RAM actions of the
// failed action, or, for an action without a known table entry, the general
// advice; codeHint has no second wording for them.
func TestPermissionCodesNameTheRAMActions(t *testing.T) {
	for code := range permissionCodes {
		hint := (&APIError{Action: "DeleteCaCertificate", Code: code}).Hint()
		if !strings.Contains(hint, "mq:DeleteCaCertificate and mq:MqttInstanceAccess") {
			t.Errorf("%s: hint %q does not name the RAM actions", code, hint)
		}
		if general := (&APIError{Action: "SomeNewAction", Code: code}).Hint(); general != permissionHint("SomeNewAction") || !strings.Contains(general, "grant the matching mq:* action") {
			t.Errorf("%s for an unknown action: hint %q", code, general)
		}
		if h := codeHint(code); h != "" {
			t.Errorf("codeHint(%q) = %q: a second wording of the permission hint", code, h)
		}
	}
}
