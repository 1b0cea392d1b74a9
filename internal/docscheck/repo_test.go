package docscheck

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A directory of outputs the root .gitignore names (bench-results/ after a
// benchmark ran) is not part of the repository, so a doc naming a file under
// it is not checked against the disk of whoever ran the check.
func TestRootIgnoredNamesOnlyAnchoredRootEntries(t *testing.T) {
	root := t.TempDir()
	ignore := "# outputs\n/bench-results/\n/dist/\n/terraform-provider-apsaramq\n*.tfstate\n.terraform/\n/internal/**/corpus-tmp/\n"
	if err := os.WriteFile(filepath.Join(root, ".gitignore"), []byte(ignore), 0o600); err != nil {
		t.Fatal(err)
	}
	got := slices.Sorted(maps.Keys(rootIgnored(root)))
	want := []string{"bench-results", "dist", "terraform-provider-apsaramq"}
	if !slices.Equal(got, want) {
		t.Fatalf("rootIgnored = %q, want %q", got, want)
	}
}
