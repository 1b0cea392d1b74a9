//go:build !unix

package provider_test

import (
	"net"
	"testing"
)

// closedPort is a loopback port nothing listens on (another listener may
// take it meanwhile; the unix version reserves it).
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}
