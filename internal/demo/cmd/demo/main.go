// Command demo is `make demo`: the provider's main job end to end against
// the embedded emulator, on Terraform when it is on PATH, otherwise on
// OpenTofu (built once from the Go module proxy when missing).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/demo"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

func main() {
	path := flag.String("engine", "", "path of terraform or tofu; default: terraform on PATH, else OpenTofu")
	which := flag.String("use", os.Getenv("DEMO_ENGINE"), "terraform or tofu, when -engine is not given (env DEMO_ENGINE)")
	keep := flag.Bool("keep", false, "keep the working directory for inspection")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *path, *which, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "\ndemo FAILED:", err)
		os.Exit(1)
	}
	fmt.Println("\ndemo passed: every step behaved as promised, checked against what the API holds.")
}

func run(ctx context.Context, path, which string, keep bool) error {
	if path == "" {
		loc, err := engine.Locate(ctx, true, os.Stderr)
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
	return demo.Run(ctx, demo.Options{Engine: eng, Out: os.Stdout, Keep: keep})
}
