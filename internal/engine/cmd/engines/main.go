// Command engines is the shell scripts' door to internal/engine:
//
//	engines locate [-build tofu,terraform114]
//	                          print terraform=<path>, tofu=<path> and terraform114=<path>,
//	                          building the engines -build names (default: tofu) when missing
//	                          (APSARAMQ_SKIP_TOFU_BUILD or APSARAMQ_SKIP_TERRAFORM114_BUILD set: never)
//	engines schema -out FILE  write the provider's schema as tfplugindocs reads it, read with
//	                          Terraform 1.14 (built when missing: the first engine with list resources)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "engines:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: engines locate [-build tofu,terraform114] | engines schema -provider-dir DIR -out FILE")
	}
	switch args[0] {
	case "locate":
		fs := flag.NewFlagSet("locate", flag.ContinueOnError)
		names := fs.String("build", "tofu", "engines to build from the Go module proxy when missing: tofu, terraform114, both (comma-separated) or none")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		build, err := buildSet(*names)
		if err != nil {
			return err
		}
		loc, err := engine.Locate(ctx, build, os.Stderr)
		if err != nil {
			return err
		}
		fmt.Printf("terraform=%s\ntofu=%s\nterraform114=%s\n", loc.Terraform, loc.Tofu, loc.Terraform114)
		return nil
	case "schema":
		fs := flag.NewFlagSet("schema", flag.ContinueOnError)
		pluginDir := fs.String("provider-dir", "", "directory holding the built terraform-provider-apsaramq (required)")
		out := fs.String("out", "", "file to write the schema JSON to (required)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *pluginDir == "" || *out == "" {
			return errors.New("schema needs -provider-dir and -out")
		}
		return writeSchema(ctx, *pluginDir, *out)
	}
	return fmt.Errorf("unknown verb %q (locate or schema)", args[0])
}

// buildSet reads -build; the skip variables win, so a CI job can forbid a
// long build whatever a script asks for.
func buildSet(names string) (engine.Build, error) {
	var b engine.Build
	for _, name := range strings.Split(names, ",") {
		switch strings.TrimSpace(name) {
		case "tofu":
			b.Tofu = true
		case "terraform114":
			b.Terraform114 = true
		case "", "none":
		default:
			return b, fmt.Errorf("-build: unknown engine %q (tofu, terraform114 or none)", name)
		}
	}
	b.Tofu = b.Tofu && os.Getenv("APSARAMQ_SKIP_TOFU_BUILD") == ""
	b.Terraform114 = b.Terraform114 && os.Getenv("APSARAMQ_SKIP_TERRAFORM114_BUILD") == ""
	return b, nil
}
