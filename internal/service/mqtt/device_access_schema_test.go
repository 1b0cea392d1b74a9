package mqtt

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The devices validator reports every bad key, bad status, null status and
// second spelling of a certificate, each at its key, in the same order
// whatever order the map is walked in; a valid map of any size passes.
func TestDevicesValidator(t *testing.T) {
	validate := func(elems map[string]attr.Value) []string {
		req := validator.MapRequest{Path: path.Root("devices"), ConfigValue: types.MapValueMust(types.StringType, elems)}
		resp := &validator.MapResponse{}
		devicesValidator{}.ValidateMap(context.Background(), req, resp)
		var out []string
		for _, d := range resp.Diagnostics {
			p := ""
			if wp, ok := d.(interface{ Path() path.Path }); ok {
				p = wp.Path().String()
			}
			out = append(out, p+": "+d.Summary()+": "+d.Detail())
		}
		return out
	}
	valid := map[string]attr.Value{}
	for i := range 10000 {
		valid[fmt.Sprintf("%016x", i)] = types.StringValue(statusActive)
	}
	valid["unknown"] = types.StringUnknown()
	if got := validate(valid); len(got) != 0 {
		t.Fatalf("a valid map: %v", got)
	}
	bad := map[string]attr.Value{
		"ok01":   types.StringValue(statusActive),
		"a:b":    types.StringValue(statusActive),
		"x y":    types.StringValue(statusInactive),
		"dev02":  types.StringValue("enabled"),
		"dev03":  types.StringNull(),
		"00AB":   types.StringValue(statusActive),
		"ab":     types.StringValue(statusInactive),
		"0ab":    types.StringNull(),
		"Dev04":  types.StringValue("Active"),
		"unkn01": types.StringUnknown(),
	}
	want := []string{
		`devices["a:b"]: Invalid Attribute Value: Attribute devices["a:b"] must not contain ':'`,
		`devices["x y"]: Invalid Attribute Value: Attribute devices["x y"] must not contain whitespace`,
		`devices["Dev04"]: Invalid Attribute Value Match: Attribute devices["Dev04"] value must be one of: ["active" "inactive"], got: "Active"`,
		`devices["dev02"]: Invalid Attribute Value Match: Attribute devices["dev02"] value must be one of: ["active" "inactive"], got: "enabled"`,
		`devices["0ab"]: Invalid Attribute Value: Attribute devices["0ab"] must be "active" or "inactive", not null.`,
		`devices["0ab"]: Duplicate Device Serial Number: Keys "00AB" and "0ab" of devices name the same certificate`,
		`devices["ab"]: Duplicate Device Serial Number: Keys "00AB" and "ab" of devices name the same certificate`,
		`devices["dev03"]: Invalid Attribute Value: Attribute devices["dev03"] must be "active" or "inactive", not null.`,
	}
	for range 5 { // map order varies between runs of the loop
		got := validate(bad)
		if len(got) != len(want) {
			t.Fatalf("%d diagnostics, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Fatalf("diagnostic %d:\n%s\nwant it to start with\n%s\n(all:\n%s)", i, got[i], want[i], strings.Join(got, "\n"))
			}
		}
	}
}
