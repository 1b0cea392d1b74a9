// Command engines is the shell scripts' door to internal/engine:
//
//	engines locate            print terraform=<path> and tofu=<path>, building OpenTofu when missing
//	engines schema -out FILE  write the provider's schema as tfplugindocs reads it
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"

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
		return errors.New("usage: engines locate [-build=false] | engines schema -provider-dir DIR -out FILE")
	}
	switch args[0] {
	case "locate":
		fs := flag.NewFlagSet("locate", flag.ContinueOnError)
		build := fs.Bool("build", true, "build OpenTofu from the Go module proxy when it is missing")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		loc, err := engine.Locate(ctx, *build && os.Getenv("APSARAMQ_SKIP_TOFU_BUILD") == "", os.Stderr)
		if err != nil {
			return err
		}
		fmt.Printf("terraform=%s\ntofu=%s\n", loc.Terraform, loc.Tofu)
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
