package mqtt

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// What the resources' imports share: the "<id>[@region]" form, identity
// imports, and the two-part IDs "instance_id:<serial>".

// splitImportRegion splits an optional "@region" suffix off an import ID
// ("instance_id:sn@cn-shanghai"), the form other providers with a
// per-resource region use.
func splitImportRegion(id string) (string, string, error) {
	i := strings.LastIndex(id, "@")
	if i < 0 {
		return id, "", nil
	}
	region := id[i+1:]
	if err := onsmqtt.ValidateRegion(region); err != nil {
		return "", "", fmt.Errorf("import ID %q: the part after '@' must be a region: %v", id, err)
	}
	return id[:i], region, nil
}

// importIdentity is a resource's identity model as an import target: the
// import ID it names and its optional region.
type importIdentity interface {
	importID() string
	importRegion() string
}

// importTarget resolves what an import names, from "<id>[@region]" or, on
// engines with resource identity, from the identity (region optional). Both
// go through parse, so they are checked alike. Without a region, the region
// is the provider's (client's), or "" when the provider is not configured.
func importTarget[K any, I importIdentity](ctx context.Context, req resource.ImportStateRequest, client *onsmqtt.Client,
	parse func(string) (K, error)) (K, string, diag.Diagnostics) {
	key, region, diags := importKey[K, I](ctx, req, parse)
	if region == "" && client != nil {
		region = client.Region()
	}
	return key, region, diags
}

// importKey is importTarget without the region default.
func importKey[K any, I importIdentity](ctx context.Context, req resource.ImportStateRequest, parse func(string) (K, error)) (K, string, diag.Diagnostics) {
	var (
		diags diag.Diagnostics
		none  K
	)
	if req.ID != "" {
		id, region, err := splitImportRegion(req.ID)
		if err == nil {
			var key K
			if key, err = parse(id); err == nil {
				return key, region, diags
			}
		}
		diags.AddError("Unexpected Import Identifier", err.Error()+" (an optional @region suffix selects another region)")
		return none, "", diags
	}
	var identity I
	if diags.Append(req.Identity.Get(ctx, &identity)...); diags.HasError() {
		return none, "", diags
	}
	key, err := parse(identity.importID())
	if err != nil {
		diags.AddError("Unexpected Import Identity", err.Error())
	}
	region := identity.importRegion()
	if problem := regionValidator.problem(region); region != "" && problem != "" {
		diags.AddError("Unexpected Import Identity", "region "+problem)
	}
	return key, region, diags
}

// parseInstanceSerialID parses the two-part IDs "instance_id:<serial>" of
// the CA and device access resources, checking each part like the schema
// does; format and snName name the shape and the serial's attribute in errors.
func parseInstanceSerialID(id, format, snName string) (string, string, error) {
	parts := strings.Split(id, ":")
	if len(parts) != 2 {
		return "", "", fmt.Errorf("expected an import ID of the form %s with two parts, got %d part(s) in %q", format, len(parts), id)
	}
	if problem := instanceIDProblem(parts[0]); problem != "" {
		return "", "", fmt.Errorf("import ID %q: instance_id %s (expected %s)", id, problem, format)
	}
	if problem := serialNumberProblem(parts[1]); problem != "" {
		return "", "", fmt.Errorf("import ID %q: %s %s (expected %s)", id, snName, problem, format)
	}
	return parts[0], parts[1], nil
}

// optionalString is null for "", for a region an import may leave unset.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
