package acctest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// Engine is the engine TF_ACC_TERRAFORM_PATH names, for the tests that drive
// an engine themselves (internal/enginetest, internal/releasetest) rather
// than through terraform-plugin-testing; without TF_ACC the test is skipped.
func Engine(t *testing.T) engine.Engine {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH")
	}
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the engine (terraform or tofu)")
	}
	eng, err := engine.Detect(context.Background(), path)
	if err != nil {
		t.Fatalf("TF_ACC_TERRAFORM_PATH=%s: %v", path, err)
	}
	return eng
}

// ModuleRoot is the directory of this module's go.mod, where the tests
// that build the provider or a release run go build.
func ModuleRoot() (string, error) {
	out, err := exec.CommandContext(context.Background(), "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the module")
	}
	return filepath.Dir(mod), nil
}
