package mqtt_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// A refused signature names where the keys came from: here a profile of the
// shared credentials file, not the provider block's access_key and
// secret_key; and, with no security token sent, it does not say the
// withheld string to sign held one.
func TestAccSignatureError_namesTheCredentialSource(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	file := filepath.Join(t.TempDir(), "config.json")
	profiles := fmt.Sprintf(`{"current":"dev","profiles":[{"name":"dev","mode":"AK","access_key_id":%q,"access_key_secret":"not-the-secret"}]}`,
		emulator.DemoAccessKeyID)
	if err := os.WriteFile(file, []byte(profiles), 0o600); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, acctest.TestCase(t, resource.TestStep{
		Config: acctest.ProviderBlockWithout(srv, fmt.Sprintf("shared_credentials_file = %q\n  profile = \"dev\"", file)) +
			accessConfig("", emulator.DemoCASn, map[string]string{}, ""),
		ExpectError: wrapTolerant(`Code: SignatureDoesNotMatch .*string to sign is left out of this message\) .*` +
			`check that the access_key_secret of profile dev \(AK\) in the shared credentials file belongs to its access_key_id`),
	}))
	if n := srv.Errors()[emulator.CodeSignatureDoesNotMatch]; n != 1 {
		t.Errorf("the emulator answered SignatureDoesNotMatch %d times, want 1", n)
	}
}
