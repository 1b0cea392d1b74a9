package docscheck

import (
	"go/parser"
	"go/token"
	"slices"
	"testing"
)

// Only the flag package and *flag.FlagSet values define flags; a method of
// the same name on another type (strings.Builder.String) does not.
func TestCollectFlagsReadsOnlyFlagSets(t *testing.T) {
	const src = `package main

import (
	goflag "flag"
	"strings"
)

type options struct{ set *goflag.FlagSet }

func main() {
	fs := goflag.NewFlagSet("x", goflag.ContinueOnError)
	fs.Bool("from-new-flag-set", false, "")
	var n int
	fs.IntVar(&n, "int-var", 0, "")
	goflag.String("package-level", "", "")
	fs.Func("func-flag", "", func(string) error { return nil })
	var b strings.Builder
	b.String()
	other := map[string]string{}
	_ = other
	register(fs)
	listVar(fs, "through-a-helper")
	listVar[int](fs, "through-a-generic-helper")
	notAHelper("not-a-flag-either")
}

func listVar[T any](fs *goflag.FlagSet, name string) { fs.Func(name, "", nil) }

func notAHelper(name string) {}

func register(set *goflag.FlagSet) {
	set.Duration("from-parameter", 0, "")
}

func (o options) more() { o.set.Bool("through-a-field", false, "") }

type fake struct{}

func (fake) String(name string) string { return name }

func notFlags(f fake) { f.String("not-a-flag") }
`
	file, err := parser.ParseFile(token.NewFileSet(), "main.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	flags := map[string]bool{}
	collectFlags(file, flags)
	got := sortedKeys(flags)
	want := []string{"from-new-flag-set", "from-parameter", "func-flag", "int-var", "package-level", "through-a-field",
		"through-a-generic-helper", "through-a-helper"}
	if !slices.Equal(got, want) {
		t.Errorf("flags = %v, want %v", got, want)
	}
}
