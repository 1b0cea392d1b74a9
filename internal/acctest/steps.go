package acctest

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Steps and test cases that the tests of several resources share.

// PlanAfterChange is a plan-only step of config after change, made outside
// Terraform (as in the console): the plan is not empty, and after its
// refresh it passes checks.
func PlanAfterChange(config string, change func(), checks ...plancheck.PlanCheck) resource.TestStep {
	return resource.TestStep{
		PreConfig:          change,
		Config:             config,
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
		ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: checks},
	}
}

// ImportByIdentityTestCase applies config, checks that the identity of addr
// is identity (and check, when not nil), then imports addr again through an
// import block that names it by that identity. Engines before Terraform
// 1.12, which have no resource identity, skip it.
func ImportByIdentityTestCase(t *testing.T, addr, config string, identity map[string]knownvalue.Check, check resource.TestCheckFunc) resource.TestCase {
	tc := TestCase(t,
		resource.TestStep{
			Config:            config,
			Check:             check,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(addr, identity)},
		},
		resource.TestStep{
			Config:          config,
			ResourceName:    addr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
		},
	)
	tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}
	return tc
}
