package benchmark

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ProcWatcher polls /proc for processes running one executable and keeps
// each one's peak resident set (VmHWM, the kernel's high-water mark). The
// engine starts the provider itself, several times per command, so the
// harness cannot wait for it; polling VmHWM loses only growth in the last
// poll interval before a process exits.
type ProcWatcher struct {
	exe      string // absolute path of the executable to watch
	comm     string // its /proc/<pid>/comm (first 15 bytes of the name)
	interval time.Duration

	mu    sync.Mutex
	peaks map[int]int64   // pid -> VmHWM in KiB
	cpu   map[int]float64 // pid -> user+system CPU seconds, last seen
	stop  chan struct{}
	done  chan struct{}
}

// NewProcWatcher watches processes whose executable is exe.
func NewProcWatcher(exe string, interval time.Duration) *ProcWatcher {
	name := filepath.Base(exe)
	if len(name) > 15 {
		name = name[:15]
	}
	return &ProcWatcher{exe: exe, comm: name, interval: interval}
}

// Start begins polling; Stop ends it and returns the result.
func (w *ProcWatcher) Start() {
	w.peaks, w.cpu = map[int]int64{}, map[int]float64{}
	w.stop, w.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(w.done)
		t := time.NewTicker(w.interval)
		defer t.Stop()
		for {
			w.poll()
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
}

// ProcPeak is the outcome of one watch.
type ProcPeak struct {
	Processes  int     `json:"processes"`    // distinct processes seen
	PeakKiB    int64   `json:"peak_rss_kib"` // largest VmHWM of any of them
	CPUSeconds float64 `json:"cpu_seconds"`  // user+system CPU of all of them (as last polled)
}

// Stop ends polling.
func (w *ProcWatcher) Stop() ProcPeak {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	p := ProcPeak{Processes: len(w.peaks)}
	for _, kib := range w.peaks {
		p.PeakKiB = max(p.PeakKiB, kib)
	}
	for _, c := range w.cpu {
		p.CPUSeconds += c
	}
	return p
}

func (w *ProcWatcher) poll() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		dir := "/proc/" + e.Name()
		comm, err := os.ReadFile(dir + "/comm")
		if err != nil || strings.TrimSpace(string(comm)) != w.comm {
			continue
		}
		if exe, err := os.Readlink(dir + "/exe"); err != nil || strings.TrimSuffix(exe, " (deleted)") != w.exe {
			continue
		}
		status, err := os.ReadFile(dir + "/status")
		if err != nil {
			continue
		}
		kib, err := parseVmHWM(status)
		if err != nil {
			continue
		}
		cpu, cpuErr := os.ReadFile(dir + "/stat")
		w.mu.Lock()
		w.peaks[pid] = max(w.peaks[pid], kib)
		if cpuErr == nil {
			if sec, err := parseStatCPU(cpu); err == nil {
				w.cpu[pid] = max(w.cpu[pid], sec)
			}
		}
		w.mu.Unlock()
	}
}

// parseVmHWM reads the "VmHWM:   12345 kB" line of /proc/<pid>/status.
func parseVmHWM(status []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("unexpected VmHWM line %q", line)
		}
		return strconv.ParseInt(fields[0], 10, 64)
	}
	return 0, fmt.Errorf("no VmHWM line")
}

// clockTicks is USER_HZ, 100 on every Linux architecture Go supports.
const clockTicks = 100

// parseStatCPU reads utime+stime (fields 14 and 15) of /proc/<pid>/stat in
// seconds. The command name (field 2) may hold spaces, so fields are counted
// after its closing parenthesis.
func parseStatCPU(stat []byte) (float64, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("no command name in stat")
	}
	f := strings.Fields(string(stat[i+1:]))
	// f[0] is field 3 (state): utime is field 14, stime 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("short stat line")
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad utime/stime %q %q", f[11], f[12])
	}
	return float64(ut+st) / clockTicks, nil
}
