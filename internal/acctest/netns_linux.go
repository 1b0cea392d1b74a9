package acctest

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// netnsEnv tells a re-executed test binary that it runs inside the network
// namespace made for the test it names.
const netnsEnv = "APSARAMQ_ACCTEST_NETNS"

// InNetworkNamespace runs the calling (top-level) test again, in a child
// process in a new network namespace where loopback is the only interface
// and addrs (e.g. the ECS metadata address 100.100.100.200) are addresses
// of it: servers bound to them answer, and no packet can leave the
// machine. It returns true in that child, which then runs the test's body;
// in the parent it returns false after reporting the child's outcome. It
// skips the test, naming why, where no namespace can be made (not root, or
// no ip command).
func InNetworkNamespace(t *testing.T, addrs ...string) bool {
	t.Helper()
	if strings.Contains(t.Name(), "/") {
		t.Fatal("InNetworkNamespace works for top-level tests only")
	}
	if os.Getenv(netnsEnv) == t.Name() {
		setUpNamespace(t, addrs)
		return true
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skipf("%s needs a network namespace of its own, and the ip command (iproute2) is missing", t.Name())
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.v", "-test.count=1", "-test.timeout=15m")
	cmd.Env = append(os.Environ(), netnsEnv+"="+t.Name())
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	out, err := cmd.CombinedOutput()
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) {
		t.Skipf("%s needs a network namespace of its own, which this process may not create (%v): run it as root", t.Name(), err)
	}
	t.Logf("in a network namespace of its own:\n%s", out)
	switch {
	case err != nil:
		t.Fatalf("the test failed in its network namespace: %v", err)
	case strings.Contains(string(out), "--- SKIP: "+t.Name()):
		t.Skip("skipped in its network namespace")
	case !strings.Contains(string(out), "--- PASS: "+t.Name()):
		t.Fatal("the test did not run in its network namespace")
	}
	return false
}

// setUpNamespace brings loopback up with addrs, and checks that loopback
// is the only interface, so nothing can leave.
func setUpNamespace(t *testing.T, addrs []string) {
	t.Helper()
	ip := func(args ...string) {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	ip("link", "set", "lo", "up")
	for _, a := range addrs {
		ip("addr", "add", a+"/32", "dev", "lo")
	}
	ifaces, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ifaces {
		if i.Flags&net.FlagLoopback == 0 {
			t.Fatalf("the network namespace has interface %s besides loopback: requests could leave the machine", i.Name)
		}
	}
}
