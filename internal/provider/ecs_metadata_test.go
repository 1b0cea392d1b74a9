package provider_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// The ECS instance RAM role: the credential library asks the metadata
// service at 100.100.100.200, an address that must never be a target from
// a test machine. These tests therefore run in a network namespace of
// their own (acctest.InNetworkNamespace) where loopback is the only
// interface and carries that address, answered by the emulator's metadata
// stand-in: no request can leave the machine.

// serveMetadata answers the metadata address in the namespace for role.
func serveMetadata(t *testing.T, w *acctest.CredentialWorld, role string) {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(emulator.MetadataAddress, "80"))
	if err != nil {
		t.Fatalf("listening on the metadata address in the namespace: %v", err)
	}
	srv := &http.Server{Handler: w.MetadataHandler(emulator.DemoAccountID, role, emulator.MetadataOptions{RequireToken: true}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

func TestAccCredentials_ecsInstanceRole(t *testing.T) {
	if !acctest.InNetworkNamespace(t, emulator.MetadataAddress) {
		return
	}
	w := acctest.StartCredentialWorld(t, emulator.Options{})
	serveMetadata(t, w, acctest.RoleECS)
	t.Setenv("HOME", t.TempDir())

	t.Run("ecs_role_name", func(t *testing.T) {
		block := acctest.ProviderBlockWithout(w.Server, fmt.Sprintf("ecs_role_name = %q", acctest.RoleECS))
		resource.Test(t, sourceTest(t, w, block, "ecs01", func() error {
			if w.CredentialIssues().Issued == 0 {
				return errors.New("the metadata service handed out no credentials")
			}
			return nil
		}))
	})
	t.Run("EcsRamRole profile", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "config.json")
		content, _ := json.Marshal(map[string]any{"current": "ecs", "profiles": []map[string]string{
			{"name": "ecs", "mode": "EcsRamRole", "ram_role_name": acctest.RoleECS},
		}})
		if err := os.WriteFile(file, content, 0o600); err != nil {
			t.Fatal(err)
		}
		resource.Test(t, sourceTest(t, w, acctest.ProviderBlockWithout(w.Server, fmt.Sprintf("shared_credentials_file = %q", file)), "ecs02", nil))
	})
	t.Run("role not attached", func(t *testing.T) {
		resource.Test(t, acctest.TestCase(t, resource.TestStep{
			Config:      acctest.ProviderBlockWithout(w.Server, `ecs_role_name = "not-this-instances"`) + resourceBlock("never"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)ecs_role_name.*metadata\s+service\s+refused.*role\s+is\s+attached\s+to\s+the\s+instance`),
		}))
	})
}

// Off ECS, nothing answers at the metadata address: the failure says so at
// once instead of retrying.
func TestAccCredentials_ecsMetadataUnreachable(t *testing.T) {
	if !acctest.InNetworkNamespace(t) {
		return
	}
	w := acctest.StartCredentialWorld(t, emulator.Options{})
	started := time.Now()
	resource.Test(t, acctest.TestCase(t, resource.TestStep{
		Config:      acctest.ProviderBlockWithout(w.Server, fmt.Sprintf("ecs_role_name = %q", acctest.RoleECS)) + resourceBlock("never"),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`(?s)ecs_role_name.*metadata\s+service\s+at\s+http://100\.100\.100\.200\s+does\s+not\s+answer.*not\s+an\s+ECS\s+instance`),
	}))
	t.Logf("metadata unreachable: failed after %s", time.Since(started).Round(10*time.Millisecond))
}
