// Package acctest is the shared acceptance-test harness: provider factories
// and test cases, an emulator per test, provider blocks pointing at it,
// steps that several resources' tests share, and custom checks.
//
// Acceptance tests run when TF_ACC is set, on whichever engine
// TF_ACC_TERRAFORM_PATH names (tools/run-tests.sh runs them once on
// Terraform and once on OpenTofu).
package acctest

import (
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/provider"
)

// ProtoV6ProviderFactories serves the provider in-process, attached to the
// engine through TF_REATTACH_PROVIDERS, so no registry is needed.
func ProtoV6ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"apsaramq": func() (tfprotov6.ProviderServer, error) { return provider.NewProtocol6Server("acctest")(), nil },
	}
}

// PreCheck stops a test early with a clear message instead of letting
// terraform-plugin-testing exit the whole binary when no engine is found.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		return // resource.Test skips by itself
	}
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("TF_ACC_TERRAFORM_PATH=%s: %v", p, err)
		}
	}
}

// TestCase runs steps with PreCheck and the provider served in-process, for
// resource.Test or resource.ParallelTest; a test that needs more (a
// CheckDestroy, version checks) sets those fields on what it returns or
// writes its own TestCase.
func TestCase(t *testing.T, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 func() { PreCheck(t) },
		ProtoV6ProviderFactories: ProtoV6ProviderFactories(),
		Steps:                    steps,
	}
}

// IsOpenTofu reports whether the engine under test is OpenTofu.
func IsOpenTofu() bool {
	return strings.Contains(os.Getenv("TF_ACC_TERRAFORM_PATH"), "tofu")
}
