package emulator

import (
	"fmt"
	"testing"
	"time"
)

// The nonce cache must forget nonces older than the timestamp window, or a
// long-running emulator would grow without bound.
func TestNonceCacheSweepsOldEntries(t *testing.T) {
	c := newNonceCache()
	t0 := time.Unix(1_800_000_000, 0)
	for i := range 1000 {
		if !c.use("k", fmt.Sprint(i), t0) {
			t.Fatalf("fresh nonce %d refused", i)
		}
	}
	if c.use("k", "5", t0.Add(time.Minute)) {
		t.Fatal("reused nonce accepted inside the window")
	}
	if n := c.size(); n != 1000 {
		t.Fatalf("size %d", n)
	}
	// 16 minutes later a sweep drops all of them.
	if !c.use("k", "new", t0.Add(16*time.Minute)) {
		t.Fatal("fresh nonce refused")
	}
	if n := c.size(); n != 1 {
		t.Fatalf("after sweep size %d, want 1", n)
	}
	c.release("k", "new")
	if !c.use("k", "new", t0.Add(16*time.Minute)) {
		t.Fatal("released nonce still counted as used")
	}
}
