package acctest

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Material made during a test and carried to later steps: attributes read
// from state, and files that configurations read with file().

// CaptureAttr copies an attribute of a resource or data source in state
// into dst, for later steps that build inputs from it.
func CaptureAttr(addr, attr string, dst *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		v, ok := rs.Primary.Attributes[attr]
		if !ok || v == "" {
			return fmt.Errorf("%s has no %s", addr, attr)
		}
		*dst = v
		return nil
	}
}

// WriteFile writes content to path or fails the test; configs read such
// files with file() so a later step can use material made during the test.
func WriteFile(t *testing.T, path string, content []byte) {
	t.Helper()
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
}
