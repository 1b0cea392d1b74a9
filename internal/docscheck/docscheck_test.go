package docscheck_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/docscheck"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/provider"
)

// providerSchemas asks the provider's own protocol server for its schemas,
// in process: no engine, no build.
func providerSchemas(t *testing.T) *docscheck.Schemas {
	t.Helper()
	ctx := context.Background()
	srv := providerserver.NewProtocol6(provider.New("docscheck")())()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := srv.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range append(schemas.Diagnostics, ids.Diagnostics...) {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("provider schema: %s: %s", d.Summary, d.Detail)
		}
	}
	return docscheck.SchemasFromProtocol(schemas, ids)
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "GNUmakefile")); err != nil {
		t.Fatalf("repository root not found from the test's directory: %v", err)
	}
	return root
}

// TestDocsNameOnlyWhatExists reads every document of the project and fails
// on each make target, repository path, command flag, provider argument or
// environment variable that the code does not have, with file:line.
func TestDocsNameOnlyWhatExists(t *testing.T) {
	root := repoRoot(t)
	repo, err := docscheck.LoadRepo(root, providerSchemas(t))
	if err != nil {
		t.Fatal(err)
	}
	files, err := docscheck.DocFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	findings := 0
	for _, f := range files {
		out, err := repo.CheckFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range out {
			t.Error(fd)
			findings++
		}
	}
	t.Logf("%d documents checked, %d findings; references checked: %v", len(files), findings, repo.Checked)
	// A kind of reference the docs use but the check no longer finds means
	// the check broke, not that the docs are right.
	for _, kind := range []string{"make targets", "paths", "flags", "links", "template includes", "environment variables",
		"argument names in prose", "type names in prose", "configuration blocks", "configuration arguments", "list blocks"} {
		if repo.Checked[kind] == 0 {
			t.Errorf("no %s were checked: the documents name some, so the check missed them", kind)
		}
	}
	if findings > 0 {
		t.Log("fix the document (or the code); a word that is not a reference goes in internal/docscheck/allow.go with the reason")
	}
}
