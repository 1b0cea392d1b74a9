package enginetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// The provider turns its loggers off unless the engine keeps its lines
// (provider.SilenceLogsTheEngineDrops). TF_LOG_PROVIDER alone, without
// TF_LOG, must still bring the provider's debug lines to TF_LOG_PATH.
func TestAccEngine_providerLogsWithTFLogProviderOnly(t *testing.T) {
	e := newEngine(t)
	srv := acctest.StartEmulator(t, emulator.Options{})
	e.writeConfig(providerConfig(srv.URL) + fmt.Sprintf(`
data "apsaramq_mqtt_device_certificate" "one" {
  instance_id = %q
  ca_sn       = %q
  device_sn   = %q
}
`, emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn))

	logPath := filepath.Join(t.TempDir(), "provider.log")
	e.mustRun(0, []string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + logPath}, "plan", "-input=false", "-no-color")
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("no log at TF_LOG_PATH: %v", err)
	}
	if n := strings.Count(string(b), "OnsMqtt call succeeded"); n == 0 {
		t.Fatalf("TF_LOG_PROVIDER=DEBUG log (%d bytes) holds no provider debug line", len(b))
	}
}
