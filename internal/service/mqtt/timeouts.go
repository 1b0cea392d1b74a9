package mqtt

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Default timeouts of every resource's operations, and of a data source's
// read; a timeouts block overrides them.
const (
	defaultCreateTimeout         = 5 * time.Minute
	defaultReadTimeout           = 2 * time.Minute
	defaultUpdateTimeout         = 5 * time.Minute
	defaultDeleteTimeout         = 5 * time.Minute
	defaultDataSourceReadTimeout = 5 * time.Minute
)

// operationTimeout is the timeouts attribute that bounds an operation and
// its value, for errors that say which one to raise.
type operationTimeout struct {
	name  string // "create", "read", "update" or "delete"
	limit time.Duration
}

// positiveTimeouts refuses zero and negative durations in a timeouts block.
// The timeouts library parses them as valid, and the operation would then
// fail at apply time before its first API call.
type positiveTimeouts struct{}

var _ resource.ConfigValidator = positiveTimeouts{}

func (positiveTimeouts) Description(context.Context) string {
	return "every timeout must be a positive duration"
}

func (v positiveTimeouts) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (positiveTimeouts) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var block timeouts.Value
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("timeouts"), &block)...)
	if resp.Diagnostics.HasError() || block.IsNull() || block.IsUnknown() {
		return
	}
	for name, value := range block.Attributes() {
		s, ok := value.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		d, err := time.ParseDuration(s.ValueString())
		if err != nil {
			continue // the timeouts library reports unparsable durations
		}
		if d <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("timeouts").AtName(name), "Invalid Timeout",
				fmt.Sprintf("timeouts.%s must be a positive duration such as \"5m\", got %q.", name, s.ValueString()))
		}
	}
}
