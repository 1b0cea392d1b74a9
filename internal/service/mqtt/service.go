// Package mqtt holds the resources and data sources for ApsaraMQ for MQTT.
// CRUD methods stay short: API work lives in internal/onsmqtt, and the
// translation between API and Terraform values in the model files.
package mqtt

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Resources lists the package's resources for the provider.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{
		NewDeviceCertificateStateResource,
		NewCACertificateResource,
		NewDeviceAccessResource,
	}
}

// DataSources lists the package's data sources for the provider.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewDeviceCertificateDataSource,
		NewDeviceCertificatesDataSource,
		NewCACertificateDataSource,
		NewCACertificatesDataSource,
		NewRegisterCodeDataSource,
	}
}

// ListResources lists the package's list resources (terraform query) for
// the provider; each lists instances of the managed resource of its name.
func ListResources() []func() list.ListResource {
	return []func() list.ListResource{
		NewDeviceCertificateStateListResource,
		NewCACertificateListResource,
		NewDeviceAccessListResource,
	}
}
