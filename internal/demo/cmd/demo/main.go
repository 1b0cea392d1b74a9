// Command demo is `make demo`: the provider's main job end to end against
// the embedded emulator, on Terraform when it is on PATH, otherwise on
// OpenTofu (built once from the Go module proxy when missing). The provider
// is built from the work tree, or with -provider-version and -cli-config it
// is a version the engine installs with init: `make install`'s, or a
// release from a registry or mirror.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/demo"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

func main() {
	path := flag.String("engine", "", "path of terraform or tofu; default: terraform on PATH, else OpenTofu")
	which := flag.String("use", os.Getenv("DEMO_ENGINE"), "terraform, tofu or terraform114, when -engine is not given (env DEMO_ENGINE)")
	keep := flag.Bool("keep", false, "keep the working directory for inspection")
	version := flag.String("provider-version", "", "run on this provider version, installed by init (needs -cli-config)")
	cliConfig := flag.String("cli-config", "", "CLI configuration whose provider installation offers -provider-version")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var installed *demo.Installed
	if *version != "" || *cliConfig != "" {
		if *version == "" || *cliConfig == "" {
			fmt.Fprintln(os.Stderr, "demo: -provider-version and -cli-config go together")
			os.Exit(2)
		}
		abs, err := filepath.Abs(*cliConfig)
		if err != nil {
			fmt.Fprintln(os.Stderr, "demo:", err)
			os.Exit(2)
		}
		installed = &demo.Installed{CLIConfig: abs, Version: *version}
	}
	if err := run(ctx, *path, *which, *keep, installed); err != nil {
		fmt.Fprintln(os.Stderr, "\ndemo FAILED:", err)
		os.Exit(1)
	}
	fmt.Println("\ndemo passed: every step behaved as promised, checked against what the API holds.")
}

func run(ctx context.Context, path, which string, keep bool, installed *demo.Installed) error {
	if path == "" {
		loc, err := engine.Locate(ctx, engine.Build{Tofu: which != "terraform114", Terraform114: which == "terraform114"}, os.Stderr)
		if err != nil {
			return err
		}
		if path, err = loc.Preferred(which); err != nil {
			return err
		}
	}
	eng, err := engine.Detect(ctx, path)
	if err != nil {
		return err
	}
	return demo.Run(ctx, demo.Options{Engine: eng, Out: os.Stdout, Keep: keep, Installed: installed})
}
