//go:build !unix

package onsmqtttest

import (
	"net"
	"testing"
)

// ClosedPort is a loopback address nothing listens on (another listener may
// take it meanwhile; the unix version reserves it until release).
func ClosedPort(t testing.TB) (addr string, release func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	_ = ln.Close()
	return addr, func() {}
}
