package acctest

import (
	"context"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// Set-up through the API, as a user of the console or CLI would do it, not
// through Terraform.

// RegisterCode fetches the instance's current registration code through the API.
func RegisterCode(t *testing.T, srv *emulator.Server, instanceID string) string {
	t.Helper()
	code, err := onsmqtttest.Client(t, srv.URL).GetRegisterCode(context.Background(), instanceID)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// RegisterCA registers ca on the instance through the API (with a fresh
// registration code) and returns its SN.
func RegisterCA(t *testing.T, srv *emulator.Server, instanceID string, ca *emulator.TestCA) string {
	t.Helper()
	c := onsmqtttest.Client(t, srv.URL)
	ver := Issue(t, ca, RegisterCode(t, srv, instanceID), true)
	sn, err := c.RegisterCACertificate(context.Background(), onsmqtt.RegisterCAInput{
		InstanceID: instanceID, Name: "registered-by-test", CAPEM: string(ca.CertPEM), VerificationPEM: string(ver.CertPEM),
	})
	if err != nil {
		t.Fatal(err)
	}
	return sn
}

// DeleteCA deregisters a CA through the API, as someone using the console would.
func DeleteCA(t *testing.T, srv *emulator.Server, instanceID, sn string) {
	t.Helper()
	if err := onsmqtttest.Client(t, srv.URL).DeleteCACertificate(context.Background(), onsmqtt.CAKey{InstanceID: instanceID, Sn: sn}); err != nil {
		t.Fatal(err)
	}
}

// SetCAStatus changes a CA's status through the API ("active"/"inactive").
func SetCAStatus(t *testing.T, srv *emulator.Server, instanceID, sn, status string) {
	t.Helper()
	if err := onsmqtttest.Client(t, srv.URL).SetCACertificateStatus(context.Background(), onsmqtt.CAKey{InstanceID: instanceID, Sn: sn}, onsmqtt.Status(status)); err != nil {
		t.Fatal(err)
	}
}
