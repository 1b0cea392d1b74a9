package mqtt_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// What the list resources' query tests share: the engines that have
// terraform query, call counters read after a query, and query files.

// queryEngines skips, by name, the engines without list resources: OpenTofu
// (no query command in 1.12) and Terraform before 1.14. tfversion.SkipBelow
// alone would compare OpenTofu's own version with Terraform's and say only
// that it is "below 1.14.0".
type queryEngines struct{}

func (queryEngines) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if acctest.IsOpenTofu() {
		resp.Skip = fmt.Sprintf("OpenTofu %s has no list resources and no query command (Terraform 1.14 added them): list resources are tested on Terraform 1.14", req.TerraformVersion)
		return
	}
	var below tfversion.CheckTerraformVersionResponse
	tfversion.SkipBelow(tfversion.Version1_14_0).CheckTerraformVersion(ctx, req, &below)
	if below.Skip != "" {
		resp.Skip = fmt.Sprintf("Terraform %s has no list resources and no query command (they need Terraform 1.14 or later)", req.TerraformVersion)
	}
}

func queryTestCase(t *testing.T, steps ...resource.TestStep) resource.TestCase {
	tc := acctest.TestCase(t, steps...)
	tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{queryEngines{}}
	return tc
}

// queryStep runs terraform query on config and checks its results.
func queryStep(config string, checks ...querycheck.QueryResultCheck) resource.TestStep {
	return resource.TestStep{Query: true, Config: config, QueryResultChecks: checks}
}

// queryCalls checks, after a query, the emulator's per-action counters
// exactly, and resets them.
type queryCalls struct {
	srv  *emulator.Server
	want map[string]int64
}

func (c queryCalls) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	got := c.srv.Calls()
	c.srv.ResetCounters()
	for action, n := range got {
		if n != c.want[action] {
			resp.Error = fmt.Errorf("API calls during the query: want %s, got %s", acctest.FormatCalls(c.want), acctest.FormatCalls(got))
			return
		}
	}
	for action, n := range c.want {
		if got[action] != n {
			resp.Error = fmt.Errorf("API calls during the query: want %s, got %s", acctest.FormatCalls(c.want), acctest.FormatCalls(got))
			return
		}
	}
}

// queryFile is a query configuration: the provider block for srv and one
// list block per entry of lists (a list block's body after its provider).
func queryFile(srv *emulator.Server, lists ...string) string {
	var b strings.Builder
	b.WriteString(acctest.ProviderBlock(srv, ""))
	for _, l := range lists {
		b.WriteString(l)
	}
	return b.String()
}

// listBlock is a list block of type typ named name, with config attributes
// and the list block's own arguments (include_resource, limit) in extra.
func listBlock(typ, name, config, extra string) string {
	return fmt.Sprintf(`
list %q %q {
  provider = apsaramq
  %s
  config {
    %s
  }
}
`, typ, name, extra, config)
}
