package docscheck_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/docscheck"
)

var (
	repoOnce sync.Once
	repo     *docscheck.Repo
	repoErr  error
)

// realRepo is this repository's facts: the rules are tested with made-up
// documents against the real make targets, commands and schemas.
func realRepo(t *testing.T) *docscheck.Repo {
	t.Helper()
	repoOnce.Do(func() { repo, repoErr = docscheck.LoadRepo(repoRoot(t), providerSchemas(t)) })
	if repoErr != nil {
		t.Fatal(repoErr)
	}
	return repo
}

type ruleCase struct {
	name string
	path string // where the made-up document would live
	doc  string
	want []string // one finding containing each, in order; none: no finding at all
}

func runCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	r := realRepo(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path == "" {
				path = "README.md"
			}
			got := r.Check(docscheck.ParseMarkdown(path, tc.doc))
			if len(got) != len(tc.want) {
				t.Fatalf("got %d findings, want %d:\n%s", len(got), len(tc.want), findingsText(got))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i].String(), w) {
					t.Errorf("finding %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func findingsText(fs []docscheck.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

func TestMakeTargetsAndVariables(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "known target", doc: "Run `make test` and `make docs`."},
		{name: "unknown target", doc: "Intro.\n\nRun `make tset`.", want: []string{"README.md:3: make tset: the GNUmakefile has no target \"tset\""}},
		{name: "unknown target in a shell block", doc: "```shell\nmake demo   # fine\nmake demoo\n```",
			want: []string{"README.md:3: make demoo"}},
		{name: "flags through a make variable", doc: "`make bench BENCH_FLAGS=\"-quick -engines tofu -n 1000\"`"},
		{name: "wrong flag through a make variable", doc: "`make bench BENCH_FLAGS=\"-quick -fast\"`",
			want: []string{"flag -fast: bench has no such flag"}},
		{name: "a flag its wrapper script handles", doc: "`make bench BENCH_FLAGS=-profile`"},
		{name: "emulator flags through make", doc: "`make emulator EMULATOR_FLAGS=\"-legacy-statuses -latncy 1s\"`",
			want: []string{"flag -latncy: onsmqtt-emulator has no such flag"}},
		{name: "a variable nothing reads", doc: "`make demo DEMO_ENGNE=tofu`", want: []string{"neither the GNUmakefile nor the code reads DEMO_ENGNE"}},
	})
}

func TestCommandFlags(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "go run with known flags", doc: "```sh\ngo run ./internal/emulator/cmd/onsmqtt-emulator -rate-limit 500 -latency 20ms # comment -nope\n```"},
		{name: "go run with an unknown flag", doc: "```sh\n\ngo run ./internal/emulator/cmd/onsmqtt-emulator -rate-limit 500 -rate 5\n```",
			want: []string{"README.md:3: flag -rate: onsmqtt-emulator has no such flag"}},
		{name: "a command by its binary's name", doc: "`bench-results/bin/bench -report a.json -reprot b.json`",
			want: []string{"flag -reprot: bench has no such flag"}},
		{name: "a flag on its own in a package README", path: "internal/emulator/README.md", doc: "| `-seed FILE` | x |\n| `-sead FILE` | y |",
			want: []string{"internal/emulator/README.md:2: flag -sead: the commands of internal/emulator have no such flag"}},
		{name: "a flag on its own elsewhere", doc: "the `-legacy-statuses` flag, Terraform's `-refresh=false`, and `-legacy-status`",
			want: []string{"flag -legacy-status: any of the project's commands have no such flag"}},
		{name: "another tool's flags are not checked", doc: "`aliyun onsmqtt GetCaCertificate --Sn x`, `--PageSize 2`, `terraform plan -nope`"},
		{name: "the provider binary", doc: "`terraform-provider-apsaramq -debug` and `terraform-provider-apsaramq -debgu`",
			want: []string{"flag -debgu: terraform-provider-apsaramq has no such flag"}},
	})
}

func TestRepositoryPaths(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "existing paths", doc: "`internal/emulator/ram.go`, `docs/`, `./internal/provider/...`, `.ci/run`, `cmd/bench`"},
		{name: "missing path", doc: "`internal/emulator/rams.go`", want: []string{"internal/emulator/rams.go: no such file or directory"}},
		{name: "missing directory in a go run", doc: "```shell\ngo run ./internal/emulatr/cmd/onsmqtt-emulator\n```",
			want: []string{"./internal/emulatr/cmd/onsmqtt-emulator: no such file"}},
		{name: "placeholder after an existing directory", doc: "`internal/benchmark/results/NAME.json`, `internal/emulator/testdata/<x>`"},
		{name: "placeholder after a missing directory", doc: "`internal/benchmarks/results/NAME.json`",
			want: []string{"internal/benchmarks/results/NAME.json: no such file or directory"}},
		{name: "glob", doc: "`examples/*/*/ram-policy.json` and `examples/*/*/ram-polcy.json`",
			want: []string{"examples/*/*/ram-polcy.json: nothing in the repository matches it"}},
		{name: "bare file beside the document", path: "internal/emulator/README.md", doc: "`ram.go` and `rams.go`",
			want: []string{"rams.go: no such file in internal/emulator"}},
		{name: "relative to the document", path: "examples/modules/fleet-access/README.md", doc: "`example/` and `main.tf`, `exampel/x`"},
		{name: "a command that is not there", doc: "`cmd/benchmark`", want: []string{"cmd/benchmark: no command of that name"}},
		{name: "a path on one machine", path: "internal/emulator/README.md", doc: "from `/work/shared/reference/api.md` §3",
			want: []string{"/work/shared/reference/api.md is a path on one machine"}},
		{name: "another project's file, allowed", doc: "`internal/proto6server/serve.go`"},
		{name: "not paths", doc: "`acs:ram::<account-id>:role/x`, `~/.aliyun/config.json`, `https://x/y`, `/_emulator/state`, `a/b`"},
	})
}

func TestLinksAndTemplateIncludes(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "links", doc: "[a](docs/index.md), [b](docs/index.md#authentication), [c](https://x.y/z), [d](#top), [e](docs/nope.md)",
			want: []string{"link to docs/nope.md: docs/nope.md does not exist"}},
		{name: "a template's links start where its page is written", path: "templates/guides/x.md.tmpl",
			doc: "[ok](ram-permissions.md) [bad](ram-permission.md)", want: []string{"docs/guides/ram-permission.md does not exist"}},
		{name: "link definitions", doc: "[x]: internal/emulator/README.md\n[y]: internal/emulatr/README.md",
			want: []string{"README.md:2: link to internal/emulatr/README.md"}},
		{name: "template includes", path: "templates/resources/x.md.tmpl",
			doc:  "{{ tffile \"examples/provider/provider.tf\" }}\n\n{{ codefile \"shell\" \"examples/nope.sh\" }}",
			want: []string{"templates/resources/x.md.tmpl:3: the template includes examples/nope.sh, which does not exist"}},
	})
}

func TestEnvironmentVariables(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "read by the code", doc: "`APSARAMQ_ONSMQTT_ENDPOINT`, `ALIBABA_CLOUD_ACCESS_KEY_ID=x`, `ALICLOUD_REGION`"},
		{name: "read by nothing", doc: "```shell\nexport APSARAMQ_ONSMQTT_ENDPONT=http://x\n```",
			want: []string{"environment variable APSARAMQ_ONSMQTT_ENDPONT: no code or script"}},
	})
}

func TestArgumentNamesInProse(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "known names", doc: "`rate_limit`, `rate_limit_mode = \"fixed\"`, `status = \"active\"`, `endpoints.onsmqtt`, " +
			"`timeouts.create`, `for_each`, `apsaramq_mqtt_device_access`, `apsaramq_mqtt_device_access.unlisted_device_statuses`, " +
			"`allowed_device_sns`, `c.id`, `data.apsaramq_mqtt_x.y`, `terraform.tfvars.json`"},
		{name: "unknown snake_case name", doc: "`rate_limt`", want: []string{"`rate_limt`: no argument or attribute"}},
		{name: "unknown name assigned", doc: "`statuss = \"active\"`", want: []string{"`statuss`: no argument"}},
		{name: "unknown nested name", doc: "`endpoints.onsmqt`", want: []string{"`onsmqt`: no argument"}},
		{name: "unknown type", doc: "`apsaramq_mqtt_device_acess`", want: []string{"the provider has no resource or data source \"apsaramq_mqtt_device_acess\""}},
		{name: "unknown attribute of a type", doc: "`apsaramq_mqtt_device_access.unlisted_statuses`",
			want: []string{"apsaramq_mqtt_device_access has no attribute \"unlisted_statuses\""}},
		{name: "a package README is not about the schema", path: "internal/emulator/README.md", doc: "`past_end_page`"},
		{name: "resource address in a shell block", doc: "```shell\nterraform import apsaramq_mqtt_device_acces.x a:b\n```",
			want: []string{"README.md:2: `apsaramq_mqtt_device_acces.x`: the provider has no resource"}},
	})
}

func TestConfigurationBlocks(t *testing.T) {
	runCases(t, []ruleCase{
		{name: "valid configuration", doc: "```terraform\n" + `provider "apsaramq" {
  region     = "cn-hangzhou"
  rate_limit = 100
  assume_role {
    role_arn = "acs:ram::1:role/x"
  }
  endpoints {
    onsmqtt = "http://127.0.0.1:8787"
  }
}
resource "apsaramq_mqtt_device_access" "x" {
  instance_id      = "post-cn-x"
  ca_sn            = "ab"
  unlisted_devices = "inactive"
  devices          = { "01" = "active" }
  timeouts         = { create = "10m" }
  lifecycle {
    prevent_destroy = true
  }
}
import {
  to       = apsaramq_mqtt_device_access.x
  identity = { instance_id = "post-cn-x", ca_sn = "ab" }
}
resource "tls_private_key" "k" {
  anything = true
}
` + "```"},
		{name: "unknown argument, with its line", doc: "Text.\n\n```terraform\nresource \"apsaramq_mqtt_device_access\" \"x\" {\n  instance_id = \"i\"\n  unlisted    = \"inactive\"\n}\n```",
			want: []string{"README.md:6: apsaramq_mqtt_device_access has no argument \"unlisted\""}},
		{name: "read-only attribute set", doc: "```hcl\nresource \"apsaramq_mqtt_device_access\" \"x\" {\n  registered_count = 1\n}\n```",
			want: []string{"README.md:3: apsaramq_mqtt_device_access: \"registered_count\" is read-only"}},
		{name: "nested attribute key", doc: "```terraform\nresource \"apsaramq_mqtt_ca_certificate\" \"x\" {\n  timeouts = { craete = \"1m\" }\n}\n```",
			want: []string{"apsaramq_mqtt_ca_certificate.timeouts has no attribute \"craete\""}},
		{name: "nested block argument", doc: "```terraform\nprovider \"apsaramq\" {\n  assume_role {\n    role_arnn = \"x\"\n  }\n}\n```",
			want: []string{"README.md:4: provider \"apsaramq\".assume_role has no argument \"role_arnn\""}},
		{name: "unknown block", doc: "```terraform\nprovider \"apsaramq\" {\n  endpoint {\n  }\n}\n```",
			want: []string{"provider \"apsaramq\" has no block \"endpoint\""}},
		{name: "unknown data source", doc: "```terraform\ndata \"apsaramq_mqtt_devices\" \"x\" {}\n```",
			want: []string{"the provider has no data source type \"apsaramq_mqtt_devices\""}},
		{name: "import identity", doc: "```terraform\nimport {\n  to       = apsaramq_mqtt_device_access.x\n  identity = { instance_id = \"i\", casn = \"c\" }\n}\n```",
			want: []string{"apsaramq_mqtt_device_access identity has no attribute \"casn\""}},
		{name: "a CLI configuration is no module", doc: "```hcl\nprovider_installation {\n  dev_overrides {\n    \"apsaramq/apsaramq\" = \"/bin\"\n  }\n}\n```"},
		{name: "query file", doc: "```hcl\n" + `list "apsaramq_mqtt_device_certificate_state" "x" {
  provider         = apsaramq
  limit            = 1000
  include_resource = true
  config {
    instance_id = "post-cn-x"
    ca_sn       = "ab"
    status      = "active"
  }
}
list "aws_instance" "y" {
  anything = true
}
` + "```"},
		{name: "list config argument", doc: "```hcl\nlist \"apsaramq_mqtt_device_access\" \"x\" {\n  provider = apsaramq\n  config {\n    ca_sn = \"ab\"\n  }\n}\n```",
			want: []string{"README.md:5: list \"apsaramq_mqtt_device_access\".config has no argument \"ca_sn\""}},
		{name: "list block argument", doc: "```hcl\nlist \"apsaramq_mqtt_ca_certificate\" \"x\" {\n  provider = apsaramq\n  limits = 5\n}\n```",
			want: []string{"README.md:4: list \"apsaramq_mqtt_ca_certificate\" has no argument \"limits\""}},
		{name: "unknown list resource", doc: "```hcl\nlist \"apsaramq_mqtt_device_certificate\" \"x\" {\n  provider = apsaramq\n}\n```",
			want: []string{"the provider has no list resource type \"apsaramq_mqtt_device_certificate\""}},
		{name: "a configuration that does not parse", doc: "```terraform\nresource \"apsaramq_mqtt_device_access\" \"x\" {\n  instance_id = \n}\n```",
			want: []string{"README.md:3: the configuration does not parse"}},
	})
}

func TestParseMarkdown(t *testing.T) {
	doc := docscheck.ParseMarkdown("x.md", "# Title\n\nA `span` and a span over\ntwo `lines of\ntext` and ``a ` b``.\n\n"+
		"```sh\n`not a span` make x\n```\n\n{{ tffile \"examples/a.tf\" }} `after` [l](t.md)\n    ~~~\n")
	var spans []string
	for _, s := range doc.Spans {
		spans = append(spans, s.Text+"@"+strconv.Itoa(s.Line))
	}
	if got, want := strings.Join(spans, "|"), "span@3|lines of text@4|a ` b@5|after@11"; got != want {
		t.Errorf("spans = %q, want %q", got, want)
	}
	if len(doc.Fences) != 1 || doc.Fences[0].Lang != "sh" || doc.Fences[0].Line != 8 || doc.Fences[0].Lines[0] != "`not a span` make x" {
		t.Errorf("fences = %+v", doc.Fences)
	}
	if len(doc.TemplateFiles) != 1 || doc.TemplateFiles[0].Text != "examples/a.tf" || doc.TemplateFiles[0].Line != 11 {
		t.Errorf("template files = %+v", doc.TemplateFiles)
	}
	if len(doc.Links) != 1 || doc.Links[0].Text != "t.md" {
		t.Errorf("links = %+v", doc.Links)
	}
}
