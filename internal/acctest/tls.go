package acctest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// The credential libraries fetch temporary credentials over HTTPS only, so
// credential tests run the emulator's HTTPS listener, with a CA trusted the
// way a user trusts one: SSL_CERT_FILE names it. Go reads SSL_CERT_FILE
// once per process, at the first certificate verification, so a test
// binary that needs it sets it before any test runs: RunWithEmulatorCA
// from TestMain.

var (
	processCA     *emulator.TestCA
	processCAFile string
)

// RunWithEmulatorCA runs m with a CA of its own in SSL_CERT_FILE; every
// emulator StartEmulator starts then also serves HTTPS with it
// (Server.HTTPSURL), and provider blocks use that URL for STS.
func RunWithEmulatorCA(m *testing.M) int {
	dir, err := os.MkdirTemp("", "apsaramq-acctest-ca-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	ca, err := emulator.NewTestCA("acceptance-test emulator CA")
	if err == nil {
		processCAFile = filepath.Join(dir, "ca.pem")
		err = ca.WriteCertFile(processCAFile)
	}
	if err == nil {
		err = os.Setenv("SSL_CERT_FILE", processCAFile)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest: emulator CA:", err)
		return 1
	}
	processCA = ca
	return m.Run()
}

// CAFile is the file of the CA the emulators' HTTPS listeners use, for
// SSL_CERT_FILE of engines and providers run as processes ("" before
// RunWithEmulatorCA).
func CAFile() string { return processCAFile }

// STSURL is where a provider block points endpoints.sts: the emulator's
// HTTPS listener when it has one.
func STSURL(srv *emulator.Server) string {
	if srv.HTTPSURL != "" {
		return srv.HTTPSURL
	}
	return srv.URL
}
