package acctest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// PublishedPolicyActions reads the Allow actions of a published RAM policy,
// examples/<file>.
func PublishedPolicyActions(t *testing.T, file string) []string {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(self), "..", "..", "examples", file))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Effect string
			Action []string
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var actions []string
	for _, st := range doc.Statement {
		if st.Effect == "Allow" {
			actions = append(actions, st.Action...)
		}
	}
	if len(actions) == 0 {
		t.Fatalf("%s allows nothing", file)
	}
	return actions
}
