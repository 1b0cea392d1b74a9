package releasetest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// readmeSection is the README's "Use it locally" section: the recipe this
// file follows, word for word where it gives code.
type readmeSection struct {
	paths     []string // the installed binaries it names
	required  string   // its terraform block
	cliConfig string   // its dev_overrides CLI configuration
}

func readReadme(t *testing.T, root string) readmeSection {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Use it locally\n")
	if !ok {
		t.Fatal(`README.md has no "## Use it locally" section`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	block := func(lang string) string {
		m := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```").FindStringSubmatch(section)
		if m == nil {
			t.Fatalf("the README's Use it locally section has no %s block", lang)
		}
		return m[1]
	}
	var s readmeSection
	s.paths = strings.Fields(block("text"))
	s.required, s.cliConfig = block("terraform"), block("hcl")
	return s
}

// The README's "Use it locally" recipe, followed on the engine under test:
// make install puts the provider where the section says, and init installs
// it from there under the version the section pins (lock file, the version
// the engine and the API see); and dev_overrides plans with no init.
func TestAccLocalInstallRecipe(t *testing.T) {
	eng := acctest.Engine(t)
	root, err := acctest.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	readme := readReadme(t, root)
	version := regexp.MustCompile(`version = "([^"]+)"`).FindStringSubmatch(readme.required)
	if version == nil {
		t.Fatalf("the README's terraform block pins no version:\n%s", readme.required)
	}

	home := t.TempDir()
	install := exec.Command("make", "install")
	install.Dir = root
	install.Env = append(os.Environ(), "HOME="+home)
	for _, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} { // the same Go caches under another HOME
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		install.Env = append(install.Env, name+"="+strings.TrimSpace(string(out)))
	}
	out, err := install.CombinedOutput()
	t.Logf("$ make install (HOME=%s)\n%s", home, out)
	if err != nil {
		t.Fatalf("make install: %v", err)
	}
	for _, p := range readme.paths {
		p = strings.Replace(strings.Replace(p, "~", home, 1), "<os>_<arch>", runtime.GOOS+"_"+runtime.GOARCH, 1)
		if st, err := os.Stat(p); err != nil || st.Mode()&0o111 == 0 {
			t.Errorf("make install did not put an executable where the README says, %s (%v)", p, err)
		}
	}

	api, agents := demoAPI(t)
	config := readme.required + acctest.ProviderBlockAt(api.URL, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, "") +
		fmt.Sprintf("\ndata \"apsaramq_mqtt_device_certificates\" \"fleet\" {\n  instance_id = %q\n}\n", emulator.DemoInstanceID)

	t.Run("filesystem mirror", func(t *testing.T) {
		w := localWorkspace(t, eng, home, "")
		w.write(config)
		w.mustRun("init")
		lock, err := os.ReadFile(filepath.Join(w.dir, ".terraform.lock.hcl"))
		if err != nil {
			t.Fatal(err)
		}
		installed := filepath.Join(home, ".terraform.d", "plugins", eng.ProviderSource(), version[1], runtime.GOOS+"_"+runtime.GOARCH)
		h1, err := dirhash.HashDir(installed, "", dirhash.Hash1)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(lock), fmt.Sprintf("version     = %q", version[1])) || !strings.Contains(string(lock), h1) {
			t.Errorf("the lock file does not pin %s with the installed build's %s:\n%s", version[1], h1, lock)
		}
		var v struct {
			ProviderSelections map[string]string `json:"provider_selections"`
		}
		if err := json.Unmarshal([]byte(w.mustRun("version", "-json")), &v); err != nil {
			t.Fatal(err)
		}
		if v.ProviderSelections[eng.ProviderSource()] != version[1] {
			t.Errorf("%s version lists %v, want %s at %s", eng, v.ProviderSelections, eng.ProviderSource(), version[1])
		}
		w.mustRun("plan")
		seen := agents.all()
		if len(seen) == 0 {
			t.Error("plan made no API call")
		}
		for agent := range seen {
			if !slices.Contains(strings.Fields(agent), "terraform-provider-apsaramq/"+version[1]) {
				t.Errorf("User-Agent %q does not name version %s", agent, version[1])
			}
		}
	})

	t.Run("dev_overrides", func(t *testing.T) {
		bin := t.TempDir()
		build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-apsaramq"), ".")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		placeholder := "/path/to/terraform-provider-apsaramq/bin"
		if !strings.Contains(readme.cliConfig, placeholder) {
			t.Fatalf("the README's dev_overrides block does not point at %s:\n%s", placeholder, readme.cliConfig)
		}
		w := localWorkspace(t, eng, t.TempDir(), strings.Replace(readme.cliConfig, placeholder, bin, 1))
		w.write(config)
		out := w.mustRun("plan")
		if !strings.Contains(out, "Provider development overrides are in effect") {
			t.Error("plan did not use the dev_overrides build")
		}
	})
}

// localWorkspace is an engine with HOME at home and the CLI configuration
// cliConfig (empty: the engine's defaults, implied mirrors included).
func localWorkspace(t *testing.T, eng engine.Engine, home, cliConfig string) *workspace {
	t.Helper()
	dir := t.TempDir()
	cli := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(cli, []byte(cliConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	return &workspace{t: t, eng: eng, dir: dir, env: engine.Env(engine.Settings{CLIConfig: cli, Home: home})}
}
