package mqtt

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// What the list resources (terraform query, Terraform 1.14+) share: their
// config's instance and region, the client and time bound of one listing,
// the listing of an instance's CAs, and the stream of results with the
// engine's limit.
//
// Every list reads with list calls only, whole and sorted, before the first
// result: the engine names generated resources by position (<list>_0,
// <list>_1, …), so an order the API does not promise would rename them from
// one run to the next, and a listing cut by the engine's limit is said in a
// warning only when its length is known.

// listTargetAttributes are listTarget's attributes. instance_id is checked
// before any API call; the results' identities carry the region the list
// read.
func listTargetAttributes() map[string]listschema.Attribute {
	return map[string]listschema.Attribute{
		"instance_id": listschema.StringAttribute{
			MarkdownDescription: "ID of the ApsaraMQ for MQTT instance, e.g. `post-cn-7mz2d******`. Checked before any API call.",
			Required:            true,
			Validators:          []validator.String{instanceIDValidator},
		},
		"region": listschema.StringAttribute{
			MarkdownDescription: "Region of the instance, e.g. `cn-shanghai`. Defaults to the provider's `region`. Each result's " +
				"identity records the region it was listed in, so the generated `import` blocks adopt it there.",
			Optional:   true,
			Validators: []validator.String{regionValidator},
		},
	}
}

// listTarget is what every list config names: the instance to list and
// the region to read it in. A list resource's config embeds it.
type listTarget struct {
	InstanceID types.String `tfsdk:"instance_id"`
	Region     types.String `tfsdk:"region"`
}

func (t listTarget) target() listTarget { return t }

// listConfig is a list resource's config: one that embeds listTarget.
type listConfig interface {
	target() listTarget
}

// streamListing decodes a list config into a C and sets the stream to run
// listing with the client for the config's region, the listing bounded by
// the data sources' read timeout (a list config has no timeouts block).
func streamListing[C listConfig](ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, base *onsmqtt.Client,
	listing func(ctx context.Context, client *onsmqtt.Client, cfg C, push func(list.ListResult) bool)) {
	var cfg C
	if diags := req.Config.Get(ctx, &cfg); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		var diags diag.Diagnostics
		ctx, cancel, client, ok := startOperation(ctx, base, cfg.target().Region, defaultDataSourceReadTimeout, nil, &diags)
		if !ok {
			push(list.ListResult{Diagnostics: diags})
			return
		}
		defer cancel()
		listing(ctx, client, cfg, push)
	}
}

// streamCAListing sets the stream of a list resource whose results are the
// instance's CAs (listTarget is its whole config): sorted by serial number,
// one result per CA. noun names the results in the log and in the warning of
// a cut listing.
func streamCAListing(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, base *onsmqtt.Client, noun string,
	result func(ctx context.Context, client *onsmqtt.Client, ca onsmqtt.CACertificate) list.ListResult) {
	streamListing(ctx, req, stream, base, func(ctx context.Context, client *onsmqtt.Client, cfg listTarget, push func(list.ListResult) bool) {
		cas, err := client.ListCACertificates(ctx, cfg.InstanceID.ValueString())
		if err != nil {
			push(listError("Unable to List CA Certificates", apiErrorDetail("ListCaCertificate", err)))
			return
		}
		listStream(ctx, req, push, noun, sortedCAs(cas), func(ca onsmqtt.CACertificate) list.ListResult { return result(ctx, client, ca) })
	})
}

// listStream is the results of one listing: a warning first when the
// engine's limit cuts it, then one result per item, up to the limit. It
// stops as soon as the engine wants no more, so result makes no API call
// for an item that would not be sent.
func listStream[T any](ctx context.Context, req list.ListRequest, push func(list.ListResult) bool, noun string, items []T,
	result func(T) list.ListResult) {
	n := len(items)
	tflog.Debug(ctx, "listed for terraform query", map[string]any{
		"what": noun, "listed": n, "limit": req.Limit, "include_resource": req.IncludeResource,
	})
	// Terraform sends a limit (100 unless the list block sets one); a caller
	// that sends none (0) gets everything.
	if req.Limit > 0 && int64(n) > req.Limit {
		var warning diag.Diagnostics
		warning.AddWarning("List Cut by Its Limit",
			fmt.Sprintf("The provider listed %d %s; the engine keeps the first %d (by serial number). To list, or to generate "+
				"configuration for, every one of them, set limit = %d (or more) in this list block.", n, noun, req.Limit, n))
		if !push(list.ListResult{Diagnostics: warning}) {
			return
		}
		items = items[:req.Limit]
	}
	for _, it := range items {
		if !push(result(it)) {
			return
		}
	}
}

// newListResult is a result with its identity and display name, and with
// state, the managed resource's model as a refresh after import would
// record it, when the engine asked for resources (include_resource, or
// -generate-config-out).
func newListResult(ctx context.Context, req list.ListRequest, displayName string, identity any, state func() (any, diag.Diagnostics)) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = displayName
	r.Diagnostics.Append(r.Identity.Set(ctx, identity)...)
	if !req.IncludeResource || r.Diagnostics.HasError() {
		return r
	}
	model, diags := state()
	if r.Diagnostics.Append(diags...); r.Diagnostics.HasError() {
		return r
	}
	if w, ok := model.(stateWriter); ok {
		r.Diagnostics.Append(w.writeState(ctx, &r.Resource.Raw)...)
	} else {
		r.Diagnostics.Append(r.Resource.Set(ctx, model)...)
	}
	return r
}

// stateWriter is a model that writes its value itself rather than through
// the framework's reflection (deviceAccessModel, see device_access_values.go).
type stateWriter interface {
	writeState(ctx context.Context, dst *tftypes.Value) diag.Diagnostics
}

// listError is a result that ends a listing with an error.
func listError(summary, detail string) list.ListResult {
	var diags diag.Diagnostics
	diags.AddError(summary, detail)
	return list.ListResult{Diagnostics: diags}
}

// nullTimeouts is an unset timeouts attribute of the listed resource type,
// typed as its schema says (a resource state must carry the attribute's
// type even when null).
func nullTimeouts(ctx context.Context, req list.ListRequest) (timeouts.Value, diag.Diagnostics) {
	t, diags := req.ResourceSchema.TypeAtPath(ctx, path.Root("timeouts"))
	if diags.HasError() {
		return timeouts.Value{}, diags
	}
	object, ok := t.(timeouts.Type)
	if !ok {
		diags.AddError("Unexpected Timeouts Type", fmt.Sprintf("timeouts has type %T. Please report this issue to the provider developers.", t))
		return timeouts.Value{}, diags
	}
	return timeouts.Value{Object: types.ObjectNull(object.AttrTypes)}, diags
}
