package mqtt

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// accessState builds a state of the resource's schema from m.
func accessState(t *testing.T, m deviceAccessModel) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	s := deviceAccessSchema(ctx)
	state := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
	if diags := setAccessModel(ctx, &state.Raw, &m); diags.HasError() {
		t.Fatal(diags)
	}
	return state
}

func TestDeviceAccessDestroyPlanWarns(t *testing.T) {
	ctx := context.Background()
	for mode, want := range map[string]string{
		unlistedIgnore:   "inactivates 1 certificate(s) (the registered certificates listed in devices), 1 of them active now",
		unlistedInactive: "inactivates 3 certificate(s) (every certificate registered under the CA), 2 of them active now",
	} {
		m := deviceAccessModel{InstanceID: types.StringValue("post-cn-test01"), CASn: types.StringValue("ca01"), UnlistedDevices: types.StringValue(mode),
			Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
				"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
			})}}
		m.setData(accessData{Devices: map[string]string{"a1": statusActive}, Unlisted: map[string]string{"b2": statusActive, "c3": statusInactive}}, "cn-hangzhou")
		state := accessState(t, m)
		req := resource.ModifyPlanRequest{State: state, Plan: tfsdk.Plan{Schema: state.Schema, Raw: tftypes.NewValue(state.Schema.Type().TerraformType(ctx), nil)}}
		resp := resource.ModifyPlanResponse{Plan: req.Plan}
		(&deviceAccessResource{}).ModifyPlan(ctx, req, &resp)
		if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
			t.Fatalf("%s: %v", mode, resp.Diagnostics)
		}
		if got := resp.Diagnostics.Warnings()[0].Detail(); !strings.Contains(got, want) {
			t.Errorf("%s: warning %q, want it to say %q", mode, got, want)
		}
	}
}
