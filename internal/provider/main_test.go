package provider_test

import (
	"os"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
)

// Credential tests fetch temporary credentials from the emulator's HTTPS
// listener, trusted through SSL_CERT_FILE, which must be set before the
// process verifies its first certificate.
func TestMain(m *testing.M) {
	os.Exit(acctest.RunWithEmulatorCA(m))
}
