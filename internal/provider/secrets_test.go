package provider

import (
	"context"
	"errors"
	"net/url"
	"strings"
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
	oidc, ok := s.Blocks["assume_role_with_oidc"].(schema.SingleNestedBlock)
	if !ok {
		t.Fatal("provider schema has no assume_role_with_oidc block")
	}
	if token, ok := oidc.Attributes["oidc_token"].(schema.StringAttribute); !ok || !token.IsSensitive() {
		t.Error("assume_role_with_oidc.oidc_token is not sensitive")
	}
	if diags := s.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("schema: %v", diags)
	}
}

// The credential libraries put what a credentials URI answered into their
// error texts; the diagnosis passes on its Code and Message only, never
// the keys an incomplete or failed answer may hold.
func TestCredentialErrorsNeverEchoAnswers(t *testing.T) {
	const secret = "CANARY-uri-secret-3b9e"
	diagnose := diagnoseWith("credentials_uri (http://127.0.0.1:1/creds)", "credentials_uri", "")
	for _, libraryText := range []string{
		`get credentials from GET http://127.0.0.1:1/creds failed: {"Code":"RoleNotFound","Message":"no role","AccessKeySecret":"` + secret + `"}`,
		`get credentials from GET http://127.0.0.1:1/creds failed: <html>` + secret + `</html>`,
		`refresh credentials from GET http://127.0.0.1:1/creds failed: {"AccessKeyId":"STS.x","AccessKeySecret":"` + secret + `"}`,
		`get credentials from GET http://127.0.0.1:1/creds failed with error, json unmarshal fail: invalid character '` + secret + `'`,
	} {
		got := diagnose(errors.New(libraryText)).Error()
		if strings.Contains(got, secret) {
			t.Errorf("the error shows the answer's secret: %s", got)
		}
		if !strings.Contains(got, "credentials_uri") {
			t.Errorf("the error does not name its source: %s", got)
		}
	}
	// A sidecar URL's query and user info are not shown either.
	if got := redactURL("https://user:" + secret + "@sidecar.local/creds?token=" + url.QueryEscape(secret)); strings.Contains(got, secret) {
		t.Errorf("redactURL kept a secret: %s", got)
	}
}
