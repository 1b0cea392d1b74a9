// Package release builds and checks the provider's release as the
// Terraform Registry receives it: GoReleaser (built from the Go module
// proxy and cached beside the engines) makes one zip per platform, a
// SHA256SUMS file that also covers the registry manifest, and a binary
// detached GPG signature of it. A snapshot is signed with a key made for
// the run, by this package rather than gpg, so a machine with only Go can
// build one; a release is signed by gpg with the key GPG_FINGERPRINT names.
package release

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// GoreleaserVersion is the GoReleaser release the project builds with.
const GoreleaserVersion = "v2.13.3"

// Goreleaser returns the cached GoReleaser binary, installing it from the
// Go module proxy first when it is missing (about 3 minutes, once).
func Goreleaser(ctx context.Context, log io.Writer) (string, error) {
	root, err := engine.CacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "goreleaser-"+GoreleaserVersion)
	bin := filepath.Join(dir, "goreleaser")
	if out, err := exec.CommandContext(ctx, bin, "--version").CombinedOutput(); err == nil &&
		strings.Contains(string(out), strings.TrimPrefix(GoreleaserVersion, "v")) {
		return bin, nil
	}
	fmt.Fprintf(log, "installing GoReleaser %s from the Go module proxy (about 3 minutes, once) into %s\n", GoreleaserVersion, dir)
	start := time.Now()
	tmp, err := os.MkdirTemp(root, "goreleaser-install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	install := exec.CommandContext(ctx, "go", "install", "github.com/goreleaser/goreleaser/v2@"+GoreleaserVersion)
	install.Env = append(os.Environ(), "GOBIN="+tmp, "CGO_ENABLED=0")
	install.Stdout, install.Stderr = log, log
	if err := install.Run(); err != nil {
		return "", fmt.Errorf("installing GoReleaser %s: %w", GoreleaserVersion, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(filepath.Join(tmp, "goreleaser"), bin); err != nil {
		return "", err
	}
	fmt.Fprintf(log, "installed GoReleaser %s in %s\n", GoreleaserVersion, time.Since(start).Round(time.Second))
	return bin, nil
}
