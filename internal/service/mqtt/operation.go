package mqtt

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// startOperation prepares one CRUD operation or data source read: it
// resolves the client for the region attribute and bounds ctx by the
// operation's timeout. Problems go to respDiags (with timeoutDiags from
// parsing the timeouts block); ok is false when the operation must stop.
// The caller defers cancel.
func startOperation(ctx context.Context, base *onsmqtt.Client, region types.String, timeout time.Duration,
	timeoutDiags diag.Diagnostics, respDiags *diag.Diagnostics) (context.Context, context.CancelFunc, *onsmqtt.Client, bool) {
	respDiags.Append(timeoutDiags...)
	if respDiags.HasError() {
		return ctx, func() {}, nil, false
	}
	client, diags := regionalClient(base, region)
	if respDiags.Append(diags...); respDiags.HasError() {
		return ctx, func() {}, nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, client, true
}
