//go:build unix

package provider_test

import (
	"net"
	"strconv"
	"syscall"
	"testing"
)

// closedPort is a loopback port that refuses connections for the whole
// test: a socket is bound to it but never listens, without SO_REUSEADDR, so
// no other listener (an emulator of a test running beside this one, say)
// can take it, as it could a port merely closed.
func closedPort(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	syscall.CloseOnExec(fd)
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
}
