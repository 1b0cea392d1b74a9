package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

func TestWriteSeedProducesALoadableSeed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed.json")
	if err := run(t.Context(), []string{"-write-seed", path}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	s, err := emulator.ReadSeedFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Accounts) != 2 || s.Accounts[0].AccessKeys[0].ID != emulator.DemoAccessKeyID || len(s.Devices) != 4 {
		t.Fatalf("seed %+v", s)
	}
	if _, err := emulator.New(s, emulator.Options{}); err != nil {
		t.Fatalf("written seed does not load: %v", err)
	}
}

func TestBadFlagsAreErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"-throttle-code", "Nope", "-listen", "127.0.0.1:0"},
		{"-fault-kinds", "bogus", "-fault-rate", "1", "-listen", "127.0.0.1:0"},
		{"-seed", filepath.Join(t.TempDir(), "missing.json")},
		{"-past-end-page", "sometimes", "-listen", "127.0.0.1:0"},
		{"-total-counts", "bytes", "-listen", "127.0.0.1:0"},
	} {
		if err := run(t.Context(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// banner starts the emulator as a user would and returns its banner lines.
func banner(t *testing.T, extraArgs ...string) []string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, in := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0"}, extraArgs...), in, io.Discard)
		_ = in.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	var lines []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.Contains(sc.Text(), "devices:") {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return lines
		}
	}
	t.Fatalf("the banner ended early (%v): %q", sc.Err(), lines)
	return nil
}

// valueOf returns what the banner line starting with label shows after its
// last ": ".
func valueOf(t *testing.T, lines []string, label string) string {
	t.Helper()
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), label) {
			return strings.TrimSpace(l[strings.LastIndex(l, ": ")+2:])
		}
	}
	t.Fatalf("no %q line in the banner %q", label, lines)
	return ""
}

// hostPort finds addresses such as 127.0.0.1:8787 with what stands before them.
var hostPort = regexp.MustCompile(`(\S*?)(\d{1,3}(?:\.\d{1,3}){3}:\d+|localhost:\d+)`)

// Pasting the banner's endpoint into the provider (through the same
// ParseEndpoint and client) must work: it used to print 127.0.0.1:PORT,
// which the provider takes as HTTPS.
func TestBannerEndpointsWorkWhenPasted(t *testing.T) {
	lines := banner(t)
	for _, l := range lines {
		for _, m := range hostPort.FindAllStringSubmatch(l, -1) {
			if !strings.HasSuffix(m[1], "http://") {
				t.Errorf("banner line %q shows %s without http://", l, m[2])
			}
		}
	}

	endpoint, err := onsmqtt.ParseEndpoint(valueOf(t, lines, "endpoint (provider endpoints.onsmqtt"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := onsmqtt.New(onsmqtt.Config{
		Region:      valueOf(t, lines, "region:"),
		Endpoint:    endpoint,
		Credentials: onsmqtt.Credentials{AccessKeyID: valueOf(t, lines, "access key:"), AccessKeySecret: valueOf(t, lines, "access secret:")},
	})
	if err != nil {
		t.Fatal(err)
	}
	key := onsmqtt.DeviceKey{InstanceID: valueOf(t, lines, "instance:"), CASn: valueOf(t, lines, "CA Sn:"), DeviceSn: emulator.DemoDeviceSn}
	if _, err := c.GetDeviceCertificate(t.Context(), key); err != nil {
		t.Errorf("GetDeviceCertificate through the pasted endpoint %s: %v", endpoint, err)
	}

	sts, err := onsmqtt.ParseEndpoint(valueOf(t, lines, "STS endpoint"))
	if err != nil {
		t.Fatal(err)
	}
	in := onsmqtt.AssumeRoleInput{RoleArn: valueOf(t, lines, "role ARN:"), SessionName: "banner-test"}
	if _, _, err := c.AssumeRole(t.Context(), sts, in); err != nil {
		t.Errorf("AssumeRole through the pasted STS endpoint %s: %v", sts, err)
	}

	resp, err := http.Get(valueOf(t, lines, "admin API:"))
	if err != nil {
		t.Fatalf("admin API: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("admin API answered %s", resp.Status)
	}
}

// The examples in -h must parse to plain HTTP, and no address in it may
// lack its scheme except the -listen default, which is a listen address.
func TestHelpShowsEndpointsWithTheirScheme(t *testing.T) {
	var help bytes.Buffer
	if err := run(t.Context(), []string{"-h"}, io.Discard, &help); err != nil {
		t.Fatalf("-h: %v", err)
	}
	text := help.String()
	for _, m := range hostPort.FindAllStringSubmatch(text, -1) {
		if !strings.HasSuffix(m[1], "http://") && m[1] != `"` {
			t.Errorf("-h shows %s%s without http://", m[1], m[2])
		}
	}
	examples := regexp.MustCompile(`onsmqtt = "([^"]+)"|APSARAMQ_ONSMQTT_ENDPOINT=(\S+)`).FindAllStringSubmatch(text, -1)
	if len(examples) < 2 {
		t.Fatalf("-h gives no endpoint example to paste:\n%s", text)
	}
	for _, m := range examples {
		raw := m[1] + m[2]
		ep, err := onsmqtt.ParseEndpoint(raw)
		if err != nil || ep.Scheme != "http" {
			t.Errorf("-h example %q parses as %v, %v; want plain HTTP", raw, ep, err)
		}
	}
	if !strings.Contains(text, `(default "127.0.0.1:8787")`) {
		t.Errorf("the -listen default is not where the check above allows it:\n%s", text)
	}
}

// An unspecified listen address is not one to connect to: the banner shows
// loopback instead.
func TestEndpointURLOfUnspecifiedAddressIsLoopback(t *testing.T) {
	for listen, want := range map[string]string{
		"127.0.0.1:8787": "http://127.0.0.1:8787",
		"0.0.0.0:8787":   "http://127.0.0.1:8787",
		"[::]:8787":      "http://[::1]:8787",
		"[::1]:9":        "http://[::1]:9",
	} {
		got := endpointURL(listen)
		if got != want {
			t.Errorf("endpointURL(%q) = %q, want %q", listen, got, want)
		}
		if ep, err := onsmqtt.ParseEndpoint(got); err != nil || !ep.Loopback() {
			t.Errorf("%q is not a loopback endpoint: %v, %v", got, ep, err)
		}
	}
}

// The readings of the points the API reference leaves open are flags, so
// someone comparing with a real account can switch them without code.
func TestBehaviourFlagsReachTheEmulator(t *testing.T) {
	lines := banner(t, "-past-end-page", "error", "-total-counts", "pages", "-strict-status-changes",
		"-unknown-ca-list-error", "-keep-devices-on-ca-delete")
	endpoint := valueOf(t, lines, "endpoint")
	resp, err := http.Get(endpoint + "/_emulator/behaviour")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got emulator.Behaviour
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := emulator.Behaviour{PastEndPage: emulator.PastEndError, TotalCounts: emulator.TotalPages, StrictStatusChanges: true,
		UnknownCAListError: true, KeepDevicesOnCADelete: true}
	if got != want {
		t.Fatalf("behaviour %+v, want %+v", got, want)
	}
}

// runMainEnv makes this test binary run the command itself, so that a test
// can run it in a process of its own, as a user does.
const runMainEnv = "ONSMQTT_EMULATOR_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// A device certificate minted by the command in a process of its own is
// accepted by an emulator running in another (the demo CA's key is the same
// in both, its certificate is not): POSTed to /_emulator/devices/register,
// it registers on the demo instance under the serial number the command
// printed.
func TestIssueDeviceRegistersWithARunningEmulator(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-issue-device", "sensor-004")
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("onsmqtt-emulator -issue-device: %v\n%s", err, stderr.String())
	}
	m := regexp.MustCompile(`^device certificate ([0-9a-f]+) \(CN sensor-004\) signed by the demo CA ` + emulator.DemoCASn).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("stderr does not name the serial number: %q", stderr.String())
	}
	srv, err := emulator.Start(emulator.DemoSeed(), emulator.Options{}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/_emulator/devices/register", "application/json", &stdout)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("register: HTTP %d %s", resp.StatusCode, answer)
	}
	d, ok := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, m[1])
	if !ok || d.DeviceName != "sensor-004" || d.Status != "1" {
		t.Fatalf("device %s after registration: %+v (registered %v); answer %s", m[1], d, ok, answer)
	}
}

// The body the README shows for POST /_emulator/devices is one the
// emulator takes.
func TestREADMEDeviceBodyIsAccepted(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "### Adding devices")
	m := regexp.MustCompile("(?s)```json\n(.*?)```").FindStringSubmatch(section)
	if !ok || m == nil {
		t.Fatal(`README.md has no JSON example under "### Adding devices"`)
	}
	var want emulator.DeviceCertificate
	if err := json.Unmarshal([]byte(m[1]), &want); err != nil {
		t.Fatalf("the README's body is not a device record: %v", err)
	}
	srv, err := emulator.Start(emulator.DemoSeed(), emulator.Options{}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/_emulator/devices", "application/json", strings.NewReader(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if d, ok := srv.Device(want.InstanceID, want.CASn, want.DeviceSn); resp.StatusCode != http.StatusOK || !ok || d.DeviceName != want.DeviceName {
		t.Fatalf("POST /_emulator/devices with the README's body: HTTP %d %s", resp.StatusCode, answer)
	}
}
