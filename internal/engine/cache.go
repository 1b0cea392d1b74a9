package engine

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// CacheDir is where engines and release tools built from the Go module
// proxy are kept: beside the Go build cache (APSARAMQ_ENGINE_CACHE
// overrides), outside any work tree, so every checkout and CI run on the
// machine shares one build of each.
func CacheDir() (string, error) {
	root := os.Getenv("APSARAMQ_ENGINE_CACHE")
	if root == "" {
		out, err := exec.Command("go", "env", "GOCACHE").Output()
		if err != nil {
			return "", fmt.Errorf("go env GOCACHE: %w", err)
		}
		root = filepath.Join(filepath.Dir(strings.TrimSpace(string(out))), "apsaramq-engines")
	}
	return filepath.Abs(root)
}

// cached is the path of a binary named name built at version in the cache.
func cached(name, version string) (string, error) {
	root, err := CacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, name+"-"+version, name), nil
}

func executable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}
