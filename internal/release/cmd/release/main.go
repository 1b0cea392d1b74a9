// Command release is the scripts' door to internal/release:
//
//	release snapshot [-single-target] [-dist DIR]
//	                                   make release-snapshot: build dist/ with GoReleaser, signed with a key made for the run
//	release sign -key KEY -out SIG FILE  a binary detached signature of FILE (the snapshot's signs.cmd, through tools/sign-checksums.sh)
//	release check [DIR]                check a built release (default dist/) and list it
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/release"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: release snapshot [-single-target] [-dist DIR] | release sign -key KEY -out SIG FILE | release check [DIR]")
	}
	switch args[0] {
	case "snapshot":
		fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
		var o release.SnapshotOptions
		fs.BoolVar(&o.SingleTarget, "single-target", false, "build this machine's platform only")
		fs.StringVar(&o.Dist, "dist", "", "directory to build into (default dist/)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		root, err := os.Getwd()
		if err != nil {
			return err
		}
		start := time.Now()
		d, err := release.Snapshot(ctx, root, o, os.Stderr)
		if err != nil {
			return err
		}
		list(d)
		fmt.Printf("release snapshot %s built and checked in %s\n", d.Version, time.Since(start).Round(time.Second))
		return nil
	case "sign":
		fs := flag.NewFlagSet("sign", flag.ContinueOnError)
		key := fs.String("key", "", "armored private key (required)")
		out := fs.String("out", "", "signature file to write (required)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *key == "" || *out == "" || fs.NArg() != 1 {
			return errors.New("usage: release sign -key KEY -out SIG FILE")
		}
		return release.SignDetached(*key, fs.Arg(0), *out)
	case "check":
		dir := "dist"
		if len(args) > 1 {
			dir = args[1]
		}
		d, err := release.ReadDist(dir)
		if err != nil {
			return err
		}
		list(d)
		return nil
	}
	return fmt.Errorf("unknown verb %q (snapshot, sign or check)", args[0])
}

func list(d release.Dist) {
	fmt.Printf("%s: version %s, protocols %v, %d platforms\n", d.Dir, d.Version, d.Protocols, len(d.Packages))
	for _, p := range d.Packages {
		fmt.Printf("  %-16s %s  %s\n", p.Platform(), p.SHA256, p.File)
	}
	fmt.Printf("  %s (lists the packages and %s)\n  %s", d.Sums, d.Manifest, d.Signature)
	if d.KeyID != "" {
		fmt.Printf(" (verified with the run's key %s)", d.KeyID)
	}
	fmt.Println()
}
