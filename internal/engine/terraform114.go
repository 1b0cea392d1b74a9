package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// terraform114 is Terraform 1.14, the first release with list resources and
// `terraform query`. Its source on the module proxy cannot build as it is:
// go.mod replaces the cloud state backends with nested modules the archive
// leaves out, so they are cut first (cutStateBackends). It reports
// "Terraform v1.14.3-dev", like any build from source.
var terraform114 = sourceBuild{
	name: "terraform", label: "Terraform " + Terraform114Version,
	module: "github.com/hashicorp/terraform", version: Terraform114Version, pkg: ".",
	pathEnv: "TF_ACC_TERRAFORM114_PATH", minutes: 8,
	env:     []string{"CGO_ENABLED=0", goFlags("-mod=mod")},
	prepare: cutStateBackends,
}

// cutBackends are the state backends that live in nested modules. The local,
// http, inmem, remote and cloud backends stay.
var cutBackends = []string{"azure", "consul", "cos", "gcs", "kubernetes", "oci", "oss", "pg", "s3"}

const backendModule = "github.com/hashicorp/terraform/internal/backend/remote-state/"

// cutStateBackends removes cutBackends from the backend registry
// (internal/backend/init/init.go: one import and one map entry each) and
// from go.mod. It fails, rather than build something else, when the source
// does not hold exactly the lines it expects.
func cutStateBackends(ctx context.Context, src string) error {
	initGo := filepath.Join(src, "internal", "backend", "init", "init.go")
	b, err := os.ReadFile(initGo)
	if err != nil {
		return err
	}
	edited, err := cutBackendLines(string(b))
	if err != nil {
		return fmt.Errorf("%s: %w", initGo, err)
	}
	if err := os.WriteFile(initGo, []byte(edited), 0o644); err != nil {
		return err
	}
	args := []string{"mod", "edit"}
	for _, name := range cutBackends {
		args = append(args, "-droprequire="+backendModule+name, "-dropreplace="+backendModule+name)
	}
	edit := exec.CommandContext(ctx, "go", args...)
	edit.Dir = src
	var stderr bytes.Buffer
	edit.Stderr = &stderr
	if err := edit.Run(); err != nil {
		return fmt.Errorf("go mod edit: %w\n%s", err, stderr.String())
	}
	return nil
}

var backendImport = regexp.MustCompile(`^\s*(\w+)\s+"` + regexp.QuoteMeta(backendModule) + `(\w+)"\s*$`)

// cutBackendLines drops the import line and the registry line of each cut
// backend from init.go's text.
func cutBackendLines(text string) (string, error) {
	lines := strings.Split(text, "\n")
	aliases := map[string]string{} // import alias => backend
	var kept []string
	for _, line := range lines {
		if m := backendImport.FindStringSubmatch(line); m != nil && slices.Contains(cutBackends, m[2]) {
			aliases[m[1]] = m[2]
			continue
		}
		kept = append(kept, line)
	}
	if len(aliases) != len(cutBackends) {
		return "", fmt.Errorf("found imports of %d of the %d backends to cut (%v)", len(aliases), len(cutBackends), aliases)
	}
	lines, kept = kept, nil
	uses := map[string]int{}
	for _, line := range lines {
		cut := false
		for alias := range aliases {
			if strings.Contains(line, alias+".New(") {
				uses[alias]++
				cut = true
			}
		}
		if !cut {
			kept = append(kept, line)
		}
	}
	for alias, backend := range aliases {
		if uses[alias] != 1 {
			return "", fmt.Errorf("backend %s is registered on %d lines, want 1", backend, uses[alias])
		}
	}
	return strings.Join(kept, "\n"), nil
}
