package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// writeSchema asks Terraform 1.14 for the provider's schema: it is the
// first engine that reports list resource schemas (Terraform 1.11 and
// OpenTofu 1.12 leave them out, and with them the list resource pages), and
// it reports resource identity schemas too (1.12+). It is built from the Go
// module proxy when missing (once, about 8 minutes; make test builds it
// anyway). No other engine is taken instead: docs generated without list
// resources would differ from the committed ones. tfplugindocs then renders
// from the file and never runs an engine itself; it expects the provider
// under the plain name "apsaramq".
func writeSchema(ctx context.Context, pluginDir, out string) error {
	build, err := buildSet("terraform114")
	if err != nil {
		return err
	}
	loc, err := engine.Locate(ctx, build, os.Stderr)
	if err != nil {
		return err
	}
	path, err := loc.Preferred("terraform114")
	if err != nil {
		return fmt.Errorf("the docs need Terraform %s, the first engine that reports list resource schemas: %w "+
			"(APSARAMQ_SKIP_TERRAFORM114_BUILD forbids building it)", engine.Terraform114Version, err)
	}
	eng, err := engine.Detect(ctx, path)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "apsaramq-schema-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	cli := filepath.Join(work, "cli.tfrc")
	if err := engine.WriteCLIConfig(cli, pluginDir); err != nil {
		return err
	}
	config := "terraform {\n  required_providers {\n    apsaramq = { source = \"apsaramq/apsaramq\" }\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		return err
	}
	cmd := eng.Command(ctx, work, engine.Env(engine.Settings{CLIConfig: cli, Home: work}), "providers", "schema", "-json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	res, err := engine.Run(ctx, cmd)
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		return fmt.Errorf("%s providers schema -json exited with %d:\n%s", eng, res.ExitCode, stderr.String())
	}
	schema := bytes.Replace(stdout.Bytes(), []byte(`"`+eng.ProviderSource()+`"`), []byte(`"apsaramq"`), 1)
	if err := os.WriteFile(out, schema, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "schema read with %s\n", eng)
	return nil
}
