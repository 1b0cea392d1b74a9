package mqtt

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// What every managed resource's schema shares besides its region
// (resourceRegionAttribute): the id that is also its import ID, and the
// instance the resource lives on.

// importIDAttribute is a resource's id, also its import ID, of the form
// format (the one its import ID parser names in errors).
func importIDAttribute(format string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "`" + format + "`, also the import ID (append `@<region>` to import from another region).",
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// resourceInstanceIDAttribute is the instance a resource lives on: another
// instance is another object, so a change replaces the resource.
func resourceInstanceIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "ID of the ApsaraMQ for MQTT instance, e.g. `post-cn-7mz2d******` or `mqtt-cn-i7m26mf****`. Changing it replaces the resource.",
		Required:            true,
		Validators:          []validator.String{instanceIDValidator},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}
