package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// TofuVersion is the OpenTofu release the project builds and tests with.
const TofuVersion = "v1.12.6"

// Locations are the engines found on this machine; an empty path means none.
type Locations struct {
	Terraform string
	Tofu      string
}

// Locate finds Terraform on PATH (it is never downloaded: the project must
// not depend on a binary it cannot fetch) and OpenTofu in TF_ACC_TOFU_PATH
// or the engine cache. With build set, a missing OpenTofu is built from the
// Go module proxy into the cache (about four minutes, once), with progress
// on log.
func Locate(ctx context.Context, build bool, log io.Writer) (Locations, error) {
	var loc Locations
	if p, err := exec.LookPath("terraform"); err == nil {
		if loc.Terraform, err = filepath.Abs(p); err != nil {
			return loc, err
		}
	}
	if p := os.Getenv("TF_ACC_TOFU_PATH"); p != "" && executable(p) {
		loc.Tofu = p
		return loc, nil
	}
	cached, err := cachedTofu()
	if err != nil {
		return loc, err
	}
	if !executable(cached) && build {
		if err := buildTofu(ctx, cached, log); err != nil {
			return loc, err
		}
	}
	if executable(cached) {
		loc.Tofu = cached
	}
	return loc, nil
}

// cachedTofu is where the built OpenTofu lives: beside the Go build cache
// (APSARAMQ_ENGINE_CACHE overrides), outside any work tree, so every
// checkout and CI run on the machine shares one build.
func cachedTofu() (string, error) {
	root := os.Getenv("APSARAMQ_ENGINE_CACHE")
	if root == "" {
		out, err := exec.Command("go", "env", "GOCACHE").Output()
		if err != nil {
			return "", fmt.Errorf("go env GOCACHE: %w", err)
		}
		root = filepath.Join(filepath.Dir(strings.TrimSpace(string(out))), "apsaramq-engines")
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "tofu-"+TofuVersion, "tofu"), nil
}

func executable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// buildTofu builds OpenTofu as the main module of a copy of its source:
// `go install …@version` is refused because its go.mod has replace
// directives.
func buildTofu(ctx context.Context, dest string, log io.Writer) error {
	fmt.Fprintf(log, "building OpenTofu %s from the Go module proxy (about 4 minutes, once)...\n", TofuVersion)
	work, err := os.MkdirTemp("", "apsaramq-tofu-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	download := exec.CommandContext(ctx, "go", "mod", "download", "-json", "github.com/opentofu/opentofu@"+TofuVersion)
	download.Dir, download.Env = work, append(os.Environ(), "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	download.Stderr = &stderr
	out, err := download.Output()
	if err != nil {
		return fmt.Errorf("downloading OpenTofu %s: %w\n%s", TofuVersion, err, stderr.String())
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		return fmt.Errorf("downloading OpenTofu %s: no module directory in %q", TofuVersion, out)
	}
	// A writable copy: the module cache is read-only.
	src := filepath.Join(work, "src")
	if err := os.CopyFS(src, os.DirFS(mod.Dir)); err != nil {
		return fmt.Errorf("copying the OpenTofu source: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	build := exec.CommandContext(ctx, "go", "build", "-o", dest+".tmp", "./cmd/tofu")
	build.Dir, build.Env = src, append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = log, log
	if err := build.Run(); err != nil {
		return fmt.Errorf("building OpenTofu %s: %w", TofuVersion, err)
	}
	return os.Rename(dest+".tmp", dest)
}

// ErrNoEngine says neither engine is available.
var ErrNoEngine = errors.New("no Terraform on PATH and no OpenTofu build")

// Preferred picks the engine named by want ("terraform", "tofu" or "" for
// Terraform when present, else OpenTofu).
func (l Locations) Preferred(want string) (string, error) {
	switch want {
	case "terraform":
		if l.Terraform == "" {
			return "", errors.New("terraform is not on PATH")
		}
		return l.Terraform, nil
	case "tofu":
		if l.Tofu == "" {
			return "", errors.New("no OpenTofu build (run tools/ensure-engines.sh)")
		}
		return l.Tofu, nil
	case "":
		if l.Terraform != "" {
			return l.Terraform, nil
		}
		if l.Tofu != "" {
			return l.Tofu, nil
		}
		return "", ErrNoEngine
	}
	return "", fmt.Errorf("unknown engine %q (terraform or tofu)", want)
}
