// Package mqtt holds the resources and data sources for ApsaraMQ for MQTT.
// CRUD methods stay short: API work lives in internal/onsmqtt, and the
// translation between API and Terraform values in the model files.
package mqtt

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// Resources lists the package's resources for the provider.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{
		NewDeviceCertificateStateResource,
		NewCaCertificateResource,
		NewDeviceAccessResource,
	}
}

// DataSources lists the package's data sources for the provider.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewDeviceCertificateDataSource,
		NewDeviceCertificatesDataSource,
		NewCaCertificateDataSource,
		NewCaCertificatesDataSource,
		NewRegisterCodeDataSource,
	}
}

// clientFrom extracts the API client the provider configured. A nil
// providerData means the provider is not configured yet (validation), which
// is not an error.
func clientFrom(providerData any) (*onsmqtt.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if providerData == nil {
		return nil, diags
	}
	client, ok := providerData.(*onsmqtt.Client)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *onsmqtt.Client, got %T. Please report this issue to the provider developers.", providerData))
	}
	return client, diags
}

// apiErrorDetail renders an API failure with everything a user needs to act:
// the code, the service's message, the request ID for a support ticket, and
// what to do.
func apiErrorDetail(what string, err error) string {
	// A timeout wraps the last failure; say first that time ran out, or the
	// user sees only a transient code the provider had been retrying.
	var timeout *onsmqtt.TimeoutError
	if errors.As(err, &timeout) {
		detail := fmt.Sprintf("%s timed out after %d attempt(s): the operation's timeout (%v) ended while the service kept failing "+
			"with retryable errors. Raise the resource's timeouts, or retry once the service recovers.", what, timeout.Attempts, timeout.Cause)
		if timeout.Last == nil {
			return detail
		}
		return detail + "\n\nLast error: " + apiErrorDetail(what, timeout.Last)
	}
	// A cancellation (an interrupt, or the engine stopping the provider) is
	// no timeout: no setting would have helped.
	var canceled *onsmqtt.CanceledError
	if errors.As(err, &canceled) {
		detail := fmt.Sprintf("%s was cancelled after %d attempt(s) (%v): the operation was stopped before it succeeded.", what, canceled.Attempts, canceled.Cause)
		if canceled.Last == nil {
			return detail
		}
		return detail + "\n\nLast error: " + apiErrorDetail(what, canceled.Last)
	}
	// A wrong endpoint first: it may wrap the bare answer that revealed it.
	var endpointErr *onsmqtt.EndpointError
	if errors.As(err, &endpointErr) {
		return fmt.Sprintf("%s failed, and retrying cannot help: %s.\n\n%s.", what, endpointErr.Diagnosis(), endpointErr.Fix())
	}
	var apiErr *onsmqtt.APIError
	if errors.As(err, &apiErr) {
		detail := fmt.Sprintf("%s failed.\n\nCode: %s\nMessage: %s", what, apiErr.Code, apiErr.Message)
		if apiErr.RequestID != "" {
			detail += "\nRequest ID: " + apiErr.RequestID
		}
		if apiErr.HTTPStatus != 0 {
			detail += fmt.Sprintf("\nHTTP status: %d", apiErr.HTTPStatus)
		}
		if apiErr.Attempts > 1 {
			detail += fmt.Sprintf("\nAttempts: %d", apiErr.Attempts)
		}
		if hint := apiErr.Hint(); hint != "" {
			detail += "\n\n" + hint + "."
		}
		return detail
	}
	return fmt.Sprintf("%s failed: %v", what, err)
}
