// Package crosscheck checks the emulator against a client that shares no
// code with ours: Alibaba's Node RPC client @alicloud/pop-core signs
// requests, the emulator must accept them, and must refuse tampered and
// replayed ones. It keeps the emulator honest about the wire protocol, not
// only about what our Go SDK happens to send.
package crosscheck

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

const popCoreVersion = "1.8.0"

// npmDir installs @alicloud/pop-core once into a cache outside the
// repository, next to the Go build cache.
func npmDir(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("APSARAMQ_SKIP_NODE") == "1" {
				t.Skipf("%s not found and APSARAMQ_SKIP_NODE=1: pop-core cross-check skipped", tool)
			}
			t.Fatalf("%s not found: the @alicloud/pop-core cross-check needs Node.js and npm (set APSARAMQ_SKIP_NODE=1 to skip it knowingly)", tool)
		}
	}
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOCACHE: %v", err)
	}
	dir := filepath.Join(filepath.Dir(strings.TrimSpace(string(out))), "apsaramq-npm")
	pkg := filepath.Join(dir, "node_modules", "@alicloud", "pop-core", "package.json")
	if b, err := os.ReadFile(pkg); err == nil && bytes.Contains(b, []byte(`"version": "`+popCoreVersion+`"`)) {
		return dir
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", dir, "@alicloud/pop-core@"+popCoreVersion)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install @alicloud/pop-core@%s into %s: %v\n%s", popCoreVersion, dir, err, b)
	}
	return dir
}

type result struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Code    string `json:"code"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

func TestPopCoreAgainstEmulator(t *testing.T) {
	modules := npmDir(t)
	srv, err := emulator.Start(emulator.DemoSeed(), emulator.Options{}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	const special = "日本-€ *~+%/=&sn"
	for _, sn := range []string{"pop01", special} {
		if err := srv.PutDevice(emulator.DeviceCertificate{InstanceID: emulator.DemoInstanceID, CASn: emulator.DemoCASn, DeviceSn: sn, DeviceName: "pop", Status: "1"}); err != nil {
			t.Fatal(err)
		}
	}

	// A proxy that alters DeviceSn after pop-core signed the request.
	tamper := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Set("DeviceSn", q.Get("DeviceSn")+"x")
		forward(t, w, r, srv.URL+"/?"+q.Encode(), 1)
	}))
	t.Cleanup(tamper.Close)
	// A proxy that sends the same signed request twice and answers the second.
	replay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		forward(t, w, r, srv.URL+r.URL.RequestURI(), 2)
	}))
	t.Cleanup(replay.Close)

	script, err := filepath.Abs(filepath.Join("testdata", "popcore_check.js"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", script)
	cmd.Env = append(os.Environ(),
		"NODE_PATH="+filepath.Join(modules, "node_modules"),
		"URL="+srv.URL, "TAMPER_URL="+tamper.URL, "REPLAY_URL="+replay.URL,
		"AK="+emulator.DemoAccessKeyID, "SK="+emulator.DemoAccessKeySecret, "ROLE_ARN="+emulator.DemoRoleArn,
		"INSTANCE="+emulator.DemoInstanceID, "REGION="+emulator.DemoRegion, "CA_SN="+emulator.DemoCASn,
		"DEVICE_SN=pop01", "SPECIAL_SN="+special)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s\n%s", script, err, out, stderr.String())
	}

	got := map[string]result{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("script printed a non-JSON line %q", sc.Text())
		}
		got[r.Name] = r
	}
	expect := []struct {
		name   string
		ok     bool
		code   string
		status string
	}{
		{name: "get", ok: true, status: "1"},
		{name: "inactivate-post", ok: true},
		{name: "get-special-characters", ok: true, status: "1"},
		{name: "wrong-secret", code: "SignatureDoesNotMatch"},
		{name: "tampered", code: "SignatureDoesNotMatch"},
		{name: "replayed", code: "SignatureNonceUsed"},
		{name: "assume-role", ok: true},
		{name: "activate-with-sts", ok: true},
		{name: "wrong-token", code: "InvalidSecurityToken.Mismatch"},
	}
	for _, e := range expect {
		r, ok := got[e.name]
		switch {
		case !ok:
			t.Errorf("%s: the script reported nothing", e.name)
		case r.OK != e.ok:
			t.Errorf("%s: ok=%v (code %q, %s), want ok=%v", e.name, r.OK, r.Code, r.Message, e.ok)
		case e.code != "" && r.Code != e.code:
			t.Errorf("%s: refused with %q (%s), want %q", e.name, r.Code, r.Message, e.code)
		case e.status != "" && r.Status != e.status:
			t.Errorf("%s: status %q, want %q", e.name, r.Status, e.status)
		}
	}
	// The POST inactivated pop01 and the STS-signed call activated it again.
	if d, _ := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, "pop01"); d.Status != "1" {
		t.Errorf("pop01: the emulator holds status %q after ActiveDeviceCertificate with STS, want 1", d.Status)
	}
	calls := srv.Calls()
	if calls["InactivateDeviceCertificate"] != 1 || calls["ActiveDeviceCertificate"] != 1 || calls["AssumeRole"] != 1 {
		t.Errorf("calls %v: want one Inactivate, one Active, one AssumeRole", calls)
	}
	t.Logf("pop-core %s: %d checks, emulator calls %v, errors %v", popCoreVersion, len(got), calls, srv.Errors())
}

// forward sends r to target times times and copies the last answer.
func forward(t *testing.T, w http.ResponseWriter, r *http.Request, target string, times int) {
	body, _ := io.ReadAll(r.Body)
	var resp *http.Response
	for i := 0; i < times; i++ {
		if resp != nil {
			resp.Body.Close()
		}
		req, err := http.NewRequest(r.Method, target, bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		if resp, err = http.DefaultClient.Do(req); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}
