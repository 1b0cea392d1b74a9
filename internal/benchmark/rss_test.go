package benchmark

import (
	"os"
	"testing"
	"time"
)

func TestParseVmHWM(t *testing.T) {
	status := []byte("Name:\tterraform-provi\nVmPeak:\t 2006276 kB\nVmHWM:\t  110856 kB\nVmRSS:\t   99928 kB\n")
	got, err := parseVmHWM(status)
	if err != nil || got != 110856 {
		t.Fatalf("parseVmHWM = %d, %v; want 110856", got, err)
	}
	if _, err := parseVmHWM([]byte("Name:\tx\nVmRSS:\t 1 kB\n")); err == nil {
		t.Error("no VmHWM line accepted")
	}
	if _, err := parseVmHWM([]byte("VmHWM:\t 12 MB\n")); err == nil {
		t.Error("unexpected unit accepted")
	}
}

func TestParseStatCPU(t *testing.T) {
	// The command name holds a space and a parenthesis; utime=250, stime=50 ticks.
	stat := []byte("4242 (weird (name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 8 0 123 456 789")
	got, err := parseStatCPU(stat)
	if err != nil || got != 3.0 {
		t.Fatalf("parseStatCPU = %v, %v; want 3s", got, err)
	}
	if _, err := parseStatCPU([]byte("4242 (x) S 1 2")); err == nil {
		t.Error("short stat accepted")
	}
}

// The watcher finds a real process by its executable: this test binary.
func TestProcWatcherSeesOwnProcess(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	w := NewProcWatcher(exe, 10*time.Millisecond)
	w.Start()
	time.Sleep(50 * time.Millisecond)
	p := w.Stop()
	if p.Processes != 1 || p.PeakKiB <= 0 {
		t.Fatalf("watching %s: %+v, want this one process with a peak", exe, p)
	}
	other := NewProcWatcher("/nonexistent/terraform-provider-apsaramq", 10*time.Millisecond)
	other.Start()
	time.Sleep(20 * time.Millisecond)
	if p := other.Stop(); p.Processes != 0 {
		t.Fatalf("watching a missing binary found %+v", p)
	}
}
