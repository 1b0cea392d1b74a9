package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// writeSchema asks an engine for the provider's schema. OpenTofu is
// preferred: it reports resource identity schemas, which Terraform 1.11
// predates, so the identity import docs would be lost. tfplugindocs then
// renders from the file and never runs an engine itself; it expects the
// provider under the plain name "apsaramq".
func writeSchema(ctx context.Context, pluginDir, out string) error {
	loc, err := engine.Locate(ctx, engine.Build{Tofu: true}, os.Stderr)
	if err != nil {
		return err
	}
	path, err := loc.Preferred("tofu")
	if err != nil {
		if path, err = loc.Preferred(""); err != nil {
			return err
		}
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
