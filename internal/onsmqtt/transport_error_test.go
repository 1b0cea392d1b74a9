package onsmqtt

import (
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
)

// A call that got no answer names the endpoint and the cause, never the
// signed URL the SDK's *url.Error repeats.
func TestTransportErrorNamesTheEndpointNotTheSignedURL(t *testing.T) {
	reset := os.NewSyscallError("read", syscall.ECONNRESET)
	err := &TransportError{Action: "GetDeviceCertificate", Endpoint: Endpoint{Scheme: "https", Host: "onsmqtt.cn-hangzhou.aliyuncs.com"},
		Setting: "endpoints.onsmqtt", Err: wrapped(&net.OpError{Op: "read", Err: reset})}
	msg := err.Error()
	for _, want := range []string{"GetDeviceCertificate", "no answer from https://onsmqtt.cn-hangzhou.aliyuncs.com", "connection reset"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "Signature=") {
		t.Errorf("message repeats the signed URL: %s", msg)
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Error("the cause is not reachable with errors.Is")
	}
}
