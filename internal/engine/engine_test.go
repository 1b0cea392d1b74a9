package engine

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWriteCLIConfigOverridesBothRegistries(t *testing.T) {
	cli := filepath.Join(t.TempDir(), "cli.tfrc")
	if err := WriteCLIConfig(cli, "/opt/p"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(cli)
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		if !strings.Contains(string(b), `"`+host+`/apsaramq/apsaramq" = "/opt/p"`) {
			t.Errorf("CLI config lacks the %s override:\n%s", host, b)
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
	if time.Since(started) > 10*time.Second || !strings.Contains(out.String(), "interrupted") {
		t.Fatalf("the engine was not interrupted (took %v, output %q)", time.Since(started), out.String())
	}
}
