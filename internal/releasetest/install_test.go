package releasetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/demo"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/release"
)

// builtRelease is the snapshot in APSARAMQ_RELEASE_DIR, checked whole: all
// of release.Platforms (make release-snapshot, as .ci/run builds it) or
// this machine's only (make test's quicker single-target build).
func builtRelease(t *testing.T) release.Dist {
	t.Helper()
	dir := os.Getenv("APSARAMQ_RELEASE_DIR")
	if dir == "" {
		t.Skip("no release to install: run make release-snapshot, then set APSARAMQ_RELEASE_DIR=dist (make test builds one)")
	}
	if !filepath.IsAbs(dir) { // relative to the module root, like the make targets
		root, err := acctest.ModuleRoot()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, dir)
	}
	d, err := release.ReadDist(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range d.Packages {
		got = append(got, p.Platform())
	}
	local := []string{runtime.GOOS + "_" + runtime.GOARCH}
	if !slices.Equal(got, release.Platforms) && !slices.Equal(got, local) {
		t.Fatalf("the release has packages for %v, want %v or, single-target, %v", got, release.Platforms, local)
	}
	t.Logf("release %s in %s: %d platforms", d.Version, dir, len(got))
	return d
}

// workspace is one engine in a fresh directory and HOME, with a CLI
// configuration that reaches the registry and trusts its certificate.
type workspace struct {
	t   *testing.T
	eng engine.Engine
	dir string
	env []string
}

func newWorkspace(t *testing.T, eng engine.Engine, reg *Registry, extraEnv ...string) *workspace {
	t.Helper()
	dir := t.TempDir()
	cli := filepath.Join(dir, "registry.tfrc")
	if err := engine.WriteRegistryCLIConfig(cli, reg.ProvidersURL); err != nil {
		t.Fatal(err)
	}
	env := engine.Env(engine.Settings{CLIConfig: cli, Home: dir, Extra: append([]string{"SSL_CERT_FILE=" + reg.CAFile}, extraEnv...)})
	return &workspace{t: t, eng: eng, dir: dir, env: env}
}

func (w *workspace) write(hcl string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// run runs the engine and returns its exit code and output, logged.
func (w *workspace) run(args ...string) (int, string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := w.eng.Command(ctx, w.dir, w.env, append(args, "-no-color")...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	res, err := engine.Run(ctx, cmd)
	if err != nil {
		w.t.Fatalf("%s %v: %v\n%s", w.eng, args, err, out.String())
	}
	w.t.Logf("$ %s %s (exit %d, %s)\n%s", filepath.Base(w.eng.Path), strings.Join(args, " "), res.ExitCode,
		res.Wall.Round(time.Millisecond), out.String())
	return res.ExitCode, out.String()
}

func (w *workspace) mustRun(args ...string) string {
	w.t.Helper()
	code, out := w.run(args...)
	if code != 0 {
		w.t.Fatalf("%s %s exited with %d", w.eng, strings.Join(args, " "), code)
	}
	return out
}

// requiredProvider pins the release exactly: init offers a prerelease only
// to an exact constraint.
func requiredProvider(version string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    apsaramq = { source = "apsaramq/apsaramq", version = %q }
  }
}
`, version)
}

// demoAPI serves an emulator with the demo's seed until the test ends,
// recording the User-Agent of every call it answers.
func demoAPI(t *testing.T) (*httptest.Server, *userAgents) {
	t.Helper()
	emu, err := emulator.New(emulator.DemoSeed(), emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	agents := &userAgents{seen: map[string]int{}}
	api := httptest.NewServer(agents.wrap(emu))
	t.Cleanup(api.Close)
	return api, agents
}

// userAgents records the User-Agent of every API call the emulator serves.
type userAgents struct {
	mu   sync.Mutex
	seen map[string]int
}

func (u *userAgents) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.seen[r.UserAgent()]++
		u.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (u *userAgents) all() map[string]int {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := map[string]int{}
	for k, v := range u.seen {
		out[k] = v
	}
	return out
}

// The release in dist/, installed through the registry protocol as a
// registry user gets it: init verifies the signature with the release's
// key and locks every platform's zh: hash (the SHA256SUMS lines) and this
// platform's h1:; the engine and the API then see the release version, and
// the demo passes on the installed binary.
func TestAccReleaseInstalledFromRegistry(t *testing.T) {
	eng := acctest.Engine(t)
	d := builtRelease(t)
	reg, err := ServeRegistry(d, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	t.Logf("release %s on %s, served at %s", d.Version, eng, reg.ProvidersURL)

	api, agents := demoAPI(t)

	w := newWorkspace(t, eng, reg)
	w.write(requiredProvider(d.Version) + acctest.ProviderBlockAt(api.URL, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, "") + fmt.Sprintf(`
data "apsaramq_mqtt_device_certificates" "fleet" {
  instance_id = %q
}

output "devices" {
  value = length(data.apsaramq_mqtt_device_certificates.fleet.certificates)
}
`, emulator.DemoInstanceID))

	out := w.mustRun("init")
	if !strings.Contains(out, d.Version) || !strings.Contains(out, d.KeyID) {
		t.Errorf("init did not report installing %s signed with key %s", d.Version, d.KeyID)
	}
	checkLockFile(t, w.dir, eng, d)

	var version struct {
		ProviderSelections map[string]string `json:"provider_selections"`
	}
	if err := json.Unmarshal([]byte(w.mustRun("version", "-json")), &version); err != nil {
		t.Fatal(err)
	}
	if got := version.ProviderSelections[eng.ProviderSource()]; got != d.Version {
		t.Errorf("%s version lists %s at %q, want %q", eng, eng.ProviderSource(), got, d.Version)
	}
	w.mustRun("version")

	w.mustRun("apply", "-auto-approve")
	want := "terraform-provider-apsaramq/" + d.Version
	calls := 0
	for agent, n := range agents.all() {
		t.Logf("User-Agent %q: %d calls", agent, n)
		if !slices.Contains(strings.Fields(agent), want) {
			t.Errorf("an API call's User-Agent %q does not name %q", agent, want)
		}
		calls += n
	}
	if calls == 0 {
		t.Error("the installed provider made no API call")
	}

	var narration strings.Builder
	err = demo.Run(context.Background(), demo.Options{Engine: eng, Out: &narration, Installed: &demo.Installed{
		CLIConfig: filepath.Join(w.dir, "registry.tfrc"), Version: d.Version, Env: []string{"SSL_CERT_FILE=" + reg.CAFile},
	}})
	t.Logf("demo on the installed release:\n%s", narration.String())
	if err != nil {
		t.Fatalf("the demo failed on the installed release: %v", err)
	}
	t.Logf("registry requests: %v", reg.Requests())

	// Service discovery, which the host blocks stand in for: a source that
	// names the registry's own address finds providers.v1 through
	// /.well-known/terraform.json.
	discovery := newWorkspace(t, eng, reg)
	discovery.write(strings.Replace(requiredProvider(d.Version), `"apsaramq/apsaramq"`, `"`+reg.Host+`/apsaramq/apsaramq"`, 1))
	discovery.mustRun("init")
	if !slices.Contains(reg.Requests(), "/.well-known/terraform.json") {
		t.Error("init installed from the registry's address without service discovery")
	}
}

var lockHash = regexp.MustCompile(`"((?:h1|zh):[^"]+)"`)

// checkLockFile: the provider's entry holds the release version, a zh:
// hash for each line of SHA256SUMS (every package, and the manifest: init
// records them all) and nothing more, and the h1: hash of this platform's
// package.
func checkLockFile(t *testing.T, dir string, eng engine.Engine, d release.Dist) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf(".terraform.lock.hcl:\n%s", b)
	lock := string(b)
	if !strings.Contains(lock, fmt.Sprintf("provider %q {", eng.ProviderSource())) ||
		!strings.Contains(lock, fmt.Sprintf("version     = %q", d.Version)) {
		t.Fatalf("the lock file does not hold %s %s", eng.ProviderSource(), d.Version)
	}
	var zh, h1 []string
	for _, m := range lockHash.FindAllStringSubmatch(lock, -1) {
		if strings.HasPrefix(m[1], "zh:") {
			zh = append(zh, strings.TrimPrefix(m[1], "zh:"))
		} else {
			h1 = append(h1, m[1])
		}
	}
	var sums []string
	for _, sum := range d.Listed {
		sums = append(sums, sum)
	}
	var local release.Package
	for _, p := range d.Packages {
		if !slices.Contains(zh, p.SHA256) {
			t.Errorf("the lock file has no zh: hash for %s (%s)", p.File, p.SHA256)
		}
		if p.Platform() == runtime.GOOS+"_"+runtime.GOARCH {
			local = p
		}
	}
	slices.Sort(zh)
	slices.Sort(sums)
	if !slices.Equal(zh, sums) {
		t.Errorf("the lock file's zh: hashes\n  %v\nare not the lines of %s\n  %v", zh, d.Sums, sums)
	}
	if local.File == "" {
		t.Fatalf("the release has no package for %s_%s", runtime.GOOS, runtime.GOARCH)
	}
	wantH1, err := dirhash.HashZip(filepath.Join(d.Dir, local.File), dirhash.Hash1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(h1, []string{wantH1}) {
		t.Errorf("the lock file's h1: hashes are %v, want the %s package's %s", h1, local.Platform(), wantH1)
	}
}

// The registry test can fail: a package or a signature changed in transit
// (the index still lists the true release) is refused by init, and nothing
// is installed.
func TestAccReleaseTamperedIsRefused(t *testing.T) {
	eng := acctest.Engine(t)
	d := builtRelease(t)
	var local string
	for _, p := range d.Packages {
		if p.Platform() == runtime.GOOS+"_"+runtime.GOARCH {
			local = p.File
		}
	}
	flipLastByte := func(b []byte) []byte {
		b = slices.Clone(b)
		b[len(b)-1] ^= 0xff
		return b
	}
	for _, tc := range []struct {
		name, file string
		want       *regexp.Regexp // in init's output
	}{
		{"signature", d.Signature, regexp.MustCompile(`(?i)signature|authentic`)},
		{"sums", d.Sums, regexp.MustCompile(`(?i)signature|authentic`)},
		{"package", local, regexp.MustCompile(`(?i)checksum|hash|match`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg, err := ServeRegistry(d, t.TempDir(), map[string]func([]byte) []byte{tc.file: flipLastByte})
			if err != nil {
				t.Fatal(err)
			}
			defer reg.Close()
			w := newWorkspace(t, eng, reg)
			w.write(requiredProvider(d.Version))
			code, out := w.run("init")
			if code == 0 {
				t.Fatalf("init installed a release whose %s was changed", tc.file)
			}
			if !tc.want.MatchString(out) {
				t.Errorf("init failed, but its output does not match %s", tc.want)
			}
			if _, err := os.Stat(filepath.Join(w.dir, ".terraform.lock.hcl")); err == nil {
				t.Error("init wrote a lock file for a release it should refuse")
			}
		})
	}
}
