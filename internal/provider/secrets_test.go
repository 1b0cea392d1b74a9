package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
)

// Credentials are sensitive in the schema, so engines redact them in plans
// and never show them in output.
func TestCredentialAttributesAreSensitive(t *testing.T) {
	s := providerSchema()
	for _, name := range []string{"access_key", "secret_key", "security_token"} {
		attr, ok := s.Attributes[name].(schema.StringAttribute)
		if !ok {
			t.Fatalf("provider schema has no string attribute %q", name)
		}
		if !attr.IsSensitive() {
			t.Errorf("provider attribute %q is not sensitive", name)
		}
	}
	if diags := s.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("schema: %v", diags)
	}
}
