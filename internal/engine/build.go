package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// sourceBuild is an engine built as the main module of a copy of its
// source from the Go module proxy: `go install module@version` is refused
// for both engines because their go.mod files have replace directives.
type sourceBuild struct {
	name    string // binary name, also the cache folder's prefix
	label   string // for people: "OpenTofu v1.12.6"
	module  string
	version string
	pkg     string // package to build, relative to the module root
	pathEnv string // a variable naming a binary to use instead of the cache
	minutes int    // what a build takes on 2 cores, for the progress line
	env     []string
	// prepare edits the copied source before the build.
	prepare func(ctx context.Context, src string) error
}

var tofu = sourceBuild{
	name: "tofu", label: "OpenTofu " + TofuVersion,
	module: "github.com/opentofu/opentofu", version: TofuVersion, pkg: "./cmd/tofu",
	pathEnv: "TF_ACC_TOFU_PATH", minutes: 4,
	env: []string{"CGO_ENABLED=0"},
}

// locate returns the binary named by pathEnv, else the cached build, which
// it builds first when build is set and the cache has none.
func (b sourceBuild) locate(ctx context.Context, build bool, log io.Writer) (string, error) {
	if p := os.Getenv(b.pathEnv); p != "" && executable(p) {
		return filepath.Abs(p)
	}
	dest, err := cached(b.name, b.version)
	if err != nil {
		return "", err
	}
	if !executable(dest) && build {
		if err := b.build(ctx, dest, log); err != nil {
			return "", err
		}
	}
	if executable(dest) {
		return dest, nil
	}
	return "", nil
}

func (b sourceBuild) build(ctx context.Context, dest string, log io.Writer) error {
	fmt.Fprintf(log, "building %s from the Go module proxy (about %d minutes on 2 cores, once) into %s\n",
		b.label, b.minutes, filepath.Dir(dest))
	start := time.Now()
	work, err := os.MkdirTemp("", "apsaramq-"+b.name+"-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	src, err := b.copySource(ctx, work)
	if err != nil {
		return err
	}
	if b.prepare != nil {
		if err := b.prepare(ctx, src); err != nil {
			return fmt.Errorf("preparing the %s source: %w", b.label, err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	build := exec.CommandContext(ctx, "go", "build", "-o", dest+".tmp", b.pkg)
	build.Dir, build.Env = src, append(os.Environ(), b.env...)
	build.Stdout, build.Stderr = log, log
	if err := build.Run(); err != nil {
		return fmt.Errorf("building %s: %w", b.label, err)
	}
	if err := os.Rename(dest+".tmp", dest); err != nil {
		return err
	}
	fmt.Fprintf(log, "built %s in %s\n", b.label, time.Since(start).Round(time.Second))
	return nil
}

// copySource downloads the module and copies it into work/src, writable
// (the module cache is read-only).
func (b sourceBuild) copySource(ctx context.Context, work string) (string, error) {
	download := exec.CommandContext(ctx, "go", "mod", "download", "-json", b.module+"@"+b.version)
	download.Dir, download.Env = work, append(os.Environ(), "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	download.Stderr = &stderr
	out, err := download.Output()
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w\n%s", b.label, err, stderr.String())
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		return "", fmt.Errorf("downloading %s: no module directory in %q", b.label, out)
	}
	src := filepath.Join(work, "src")
	if err := os.CopyFS(src, os.DirFS(mod.Dir)); err != nil {
		return "", fmt.Errorf("copying the %s source: %w", b.label, err)
	}
	return src, nil
}

// goFlags adds flags to the caller's GOFLAGS instead of replacing them.
func goFlags(flags ...string) string {
	return "GOFLAGS=" + strings.TrimSpace(os.Getenv("GOFLAGS")+" "+strings.Join(flags, " "))
}
