//go:build !linux

package acctest

import "testing"

// InNetworkNamespace skips: network namespaces are Linux's.
func InNetworkNamespace(t *testing.T, _ ...string) bool {
	t.Skipf("%s needs a Linux network namespace", t.Name())
	return false
}
