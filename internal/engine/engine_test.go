package engine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWriteCLIConfigOverridesBothRegistries(t *testing.T) {
	checkBothRegistries(t, func(cli string) error { return WriteCLIConfig(cli, "/opt/p") }, func(host string) string {
		return `"` + host + `/apsaramq/apsaramq" = "/opt/p"`
	})
}

// checkBothRegistries writes a CLI configuration with write and checks that
// it holds want(host) for each engine's default registry.
func checkBothRegistries(t *testing.T, write func(cli string) error, want func(host string) string) {
	t.Helper()
	cli := filepath.Join(t.TempDir(), "cli.tfrc")
	if err := write(cli); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(cli)
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		if w := want(host); !strings.Contains(string(b), w) {
			t.Errorf("CLI config lacks the %s part\n%s\nin\n%s", host, w, b)
		}
	}
}

// The one rule for every caller: what would steer the provider, the
// credentials, the endpoints, state, variables or logs comes only from
// Settings; everything else of the caller's environment is kept.
func TestEnvKeepsOnlyWhatTheCallerDidNotDecide(t *testing.T) {
	for _, kv := range []string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID=real-key", "ALICLOUD_SECRET_KEY=real", "APSARAMQ_ONSMQTT_ENDPOINT=https://x",
		"TF_LOG=TRACE", "TF_LOG_PROVIDER=DEBUG", "TF_CLI_ARGS_apply=-parallelism=1", "TF_VAR_certs={}",
		"TF_REATTACH_PROVIDERS={}", "TF_ACC=1", "TF_WORKSPACE=prod", "HOME=/root/real-home",
		"GOFLAGS=-mod=mod", "PATH_EXTRA_FOR_TEST=kept",
	} {
		name, value, _ := strings.Cut(kv, "=")
		t.Setenv(name, value)
	}
	env := Env(Settings{CLIConfig: "/w/cli.tfrc", Home: "/w", Extra: []string{"TF_LOG=DEBUG", "ALIBABA_CLOUD_ACCESS_KEY_ID=demo"}})
	get := func(name string) []string {
		var vs []string
		for _, kv := range env {
			if n, v, _ := strings.Cut(kv, "="); n == name {
				vs = append(vs, v)
			}
		}
		return vs
	}
	for name, want := range map[string][]string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID": {"demo"}, // only from Extra
		"ALICLOUD_SECRET_KEY":         nil,
		"APSARAMQ_ONSMQTT_ENDPOINT":   nil,
		"TF_LOG":                      {"DEBUG"},
		"TF_LOG_PROVIDER":             nil,
		"TF_CLI_ARGS_apply":           nil,
		"TF_VAR_certs":                nil,
		"TF_REATTACH_PROVIDERS":       nil,
		"TF_ACC":                      nil,
		"TF_WORKSPACE":                nil,
		"HOME":                        {"/w"},
		"TF_CLI_CONFIG_FILE":          {"/w/cli.tfrc"},
		"TF_IN_AUTOMATION":            {"1"},
		"GOFLAGS":                     {"-mod=mod"},
		"PATH_EXTRA_FOR_TEST":         {"kept"},
	} {
		if got := get(name); !slices.Equal(got, want) {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestPreferred(t *testing.T) {
	both := Locations{Terraform: "/bin/terraform", Tofu: "/c/tofu"}
	onlyTofu := Locations{Tofu: "/c/tofu"}
	all := Locations{Terraform: "/bin/terraform", Tofu: "/c/tofu", Terraform114: "/c/terraform"}
	for _, tc := range []struct {
		loc        Locations
		want, path string
		fails      bool
	}{
		{both, "", "/bin/terraform", false},
		{onlyTofu, "", "/c/tofu", false},
		{both, "tofu", "/c/tofu", false},
		{onlyTofu, "terraform", "", true},
		{Locations{}, "", "", true},
		{both, "pulumi", "", true},
		{all, "terraform114", "/c/terraform", false},
		{all, "", "/bin/terraform", false},
		{both, "terraform114", "", true},
	} {
		got, err := tc.loc.Preferred(tc.want)
		if got != tc.path || (err != nil) != tc.fails {
			t.Errorf("%+v.Preferred(%q) = %q, %v", tc.loc, tc.want, got, err)
		}
	}
}

func TestKindOfAndRegistryHost(t *testing.T) {
	if KindOf("/c/tofu-v1.12.6/tofu") != OpenTofu || KindOf("/usr/local/bin/terraform") != Terraform {
		t.Fatal("KindOf does not tell the engines apart by name")
	}
	if (Engine{Kind: OpenTofu}).ProviderSource() != "registry.opentofu.org/apsaramq/apsaramq" ||
		(Engine{Kind: Terraform}).ProviderSource() != "registry.terraform.io/apsaramq/apsaramq" {
		t.Fatal("wrong provider source address")
	}
}

// Run reports the exit code without calling it an error, and an engine
// stopped by its context is one: interrupted first, so a script standing in
// for the engine sees SIGINT.
func TestRunExitCodesAndInterrupt(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "fake-engine")
	body := "#!/bin/sh\ntrap 'echo interrupted; kill $!; exit 130' INT\nif [ \"$1\" = wait ]; then sleep 30 & wait; fi\nexit \"${1:-0}\"\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	e := Engine{Kind: Terraform, Path: script}
	res, err := Run(context.Background(), e.Command(context.Background(), dir, nil, "2"))
	if err != nil || res.ExitCode != 2 {
		t.Fatalf("exit 2: %+v, %v", res, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	cmd := e.Command(ctx, dir, nil, "wait")
	var out strings.Builder
	cmd.Stdout = &out
	started := time.Now()
	if _, err := Run(ctx, cmd); err == nil {
		t.Fatal("an engine stopped by its context is not reported")
	}
	// The output proves the interrupt; the time is printed, not bounded.
	if !strings.Contains(out.String(), "interrupted") {
		t.Fatalf("the engine was not interrupted (took %v, output %q)", time.Since(started), out.String())
	}
	t.Logf("stopped after %v", time.Since(started).Round(time.Millisecond))
}

// The pinned Terraform source registers each cut backend with one import and
// one map line; the cut keeps everything else, and refuses a layout it does
// not know.
func TestCutBackendLines(t *testing.T) {
	src := "import (\n\tbackendHTTP \"" + backendModule + "http\"\n"
	registry := "\t\t\"http\": func() backend.Backend { return backendHTTP.New() },\n"
	for i, name := range cutBackends {
		alias := fmt.Sprintf("backendX%d", i)
		src += "\t" + alias + " \"" + backendModule + name + "\"\n"
		registry += fmt.Sprintf("\t\t%q: func() backend.Backend { return %s.New() },\n", name, alias)
	}
	src += ")\n\nbackends = map[string]backend.InitFn{\n" + registry + "}\n"
	got, err := cutBackendLines(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range cutBackends {
		if strings.Contains(got, `/`+name+`"`) || strings.Contains(got, `"`+name+`":`) {
			t.Errorf("backend %s is still there:\n%s", name, got)
		}
	}
	if !strings.Contains(got, `backendHTTP "`) || !strings.Contains(got, "backendHTTP.New()") {
		t.Errorf("the http backend was cut too:\n%s", got)
	}
	if _, err := cutBackendLines(strings.Replace(src, "backendX0.New()", "backendX0.NewV2()", 1)); err == nil {
		t.Error("a backend whose registry line is not found was accepted")
	}
}

// The real pinned source, when the module cache has it: the cut finds every
// line it expects.
func TestCutBackendLinesOnThePinnedSource(t *testing.T) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skip("go env GOMODCACHE:", err)
	}
	path := filepath.Join(strings.TrimSpace(string(out)), "github.com", "hashicorp", "terraform@"+Terraform114Version,
		"internal", "backend", "init", "init.go")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("the Terraform %s source is not in the module cache (built once by tools/ensure-engines.sh)", Terraform114Version)
	}
	if _, err := cutBackendLines(string(b)); err != nil {
		t.Fatal(err)
	}
}

// Both default registries' provider service points at the local registry,
// so "apsaramq/apsaramq" installs through it on either engine.
func TestWriteRegistryCLIConfigOverridesBothRegistries(t *testing.T) {
	checkBothRegistries(t, func(cli string) error { return WriteRegistryCLIConfig(cli, "https://127.0.0.1:1234/v1/providers/") }, func(host string) string {
		return "host \"" + host + "\" {\n  services = {\n    \"providers.v1\" = \"https://127.0.0.1:1234/v1/providers/\"\n  }\n}\n"
	})
}
