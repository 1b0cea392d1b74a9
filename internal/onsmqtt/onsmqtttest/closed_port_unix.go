//go:build unix

package onsmqtttest

import (
	"net"
	"strconv"
	"sync"
	"syscall"
	"testing"
)

// ClosedPort is a loopback address that refuses connections until release
// is called (or the test ends): a socket is bound to it but never listens,
// without SO_REUSEADDR, so no other listener (an emulator of a test running
// beside this one, say) can take the port meanwhile, as it could a port
// merely closed. After release the port is free to listen on.
func ClosedPort(t testing.TB) (addr string, release func()) {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	syscall.CloseOnExec(fd)
	release = sync.OnceFunc(func() { _ = syscall.Close(fd) })
	t.Cleanup(release)
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	inet4, ok := sa.(*syscall.SockaddrInet4)
	if !ok {
		t.Fatalf("closed port: socket bound to %T, want an IPv4 address", sa)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(inet4.Port)), release
}
