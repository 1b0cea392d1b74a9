package mqtt

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// distinctDeviceKeys refuses a devices map in which two keys name the same
// certificate (canonicalSerial: case, or leading zeros of a hexadecimal
// serial number), and null statuses, which would leave a device's wanted
// status unsaid.
type distinctDeviceKeys struct{}

var _ validator.Map = distinctDeviceKeys{}

func (distinctDeviceKeys) Description(context.Context) string {
	return "no two keys may name the same certificate (serial numbers match case-insensitively, and without leading zeros when hexadecimal), and every status must be set"
}

func (v distinctDeviceKeys) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (distinctDeviceKeys) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	seen := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(elems)) {
		if s, ok := elems[k].(types.String); ok && s.IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid Attribute Value",
				fmt.Sprintf("Attribute %s must be %q or %q, not null.", req.Path.AtMapKey(k), statusActive, statusInactive))
		}
		c := canonicalSerial(k)
		if first, dup := seen[c]; dup {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Duplicate Device Serial Number",
				fmt.Sprintf("Keys %q and %q of %s name the same certificate: serial numbers match case-insensitively, and a "+
					"hexadecimal serial number also without its leading zeros. Keep one of them.", first, k, req.Path))
			continue
		}
		seen[c] = k
	}
}
