package docscheck

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Repo is what the documentation is checked against, read from the
// repository.
type Repo struct {
	Root        string
	TopLevel    map[string]bool // names at the repository root: a path starting with one is a repository path
	MakeTargets map[string]bool
	Makefile    string              // the GNUmakefile's text, for the variables a `make` line sets
	Commands    map[string]*Command // by the name docs call them
	EnvNames    map[string]bool     // project environment variables the code or scripts read
	ModuleNames map[string]bool     // variables and outputs of the example modules
	Schemas     *Schemas

	// Checked counts the references checked, by kind, so a test can tell a
	// check that found nothing wrong from one that looked at nothing.
	Checked map[string]int

	schemaNames map[string]bool
}

var (
	makeTargetLine = regexp.MustCompile(`(?m)^([A-Za-z0-9_-][A-Za-z0-9_.-]*(?:[ \t]+[A-Za-z0-9_.-]+)*)[ \t]*:([^=]|$)`)
	envName        = regexp.MustCompile(`\b(?:APSARAMQ|ALIBABA_CLOUD|ALICLOUD)_[A-Z0-9_]*[A-Z0-9]\b`)
	moduleName     = regexp.MustCompile(`(?m)^(?:variable|output)\s+"([^"]+)"`)
)

// LoadRepo reads the facts of the repository at root; schemas come from the
// provider (see the test, which asks the provider server for them).
func LoadRepo(root string, schemas *Schemas) (*Repo, error) {
	r := &Repo{Root: root, TopLevel: map[string]bool{}, MakeTargets: map[string]bool{}, EnvNames: map[string]bool{},
		ModuleNames: map[string]bool{}, Schemas: schemas, schemaNames: map[string]bool{}, Checked: map[string]int{}}
	if schemas != nil {
		r.schemaNames = schemas.names()
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	ignored := rootIgnored(root)
	for _, e := range entries {
		// Outputs the root .gitignore names (bench-results/, dist/) exist only
		// where a command ran; a doc naming a file under one names an output.
		if e.Name() != ".git" && !ignored[e.Name()] {
			r.TopLevel[e.Name()] = true
		}
	}
	mk, err := os.ReadFile(filepath.Join(root, "GNUmakefile"))
	if err != nil {
		return nil, err
	}
	r.Makefile = string(mk)
	for _, m := range makeTargetLine.FindAllStringSubmatch(r.Makefile, -1) {
		for _, t := range strings.Fields(m[1]) {
			r.MakeTargets[t] = true
		}
	}
	module, err := modulePath(root)
	if err != nil {
		return nil, err
	}
	if r.Commands, err = findCommands(root, module); err != nil {
		return nil, err
	}
	if err := r.readNames(); err != nil {
		return nil, err
	}
	return r, r.checkTables()
}

// rootIgnored is the names the root .gitignore anchors at the root ("/dist/").
func rootIgnored(root string) map[string]bool {
	names := map[string]bool{}
	b, err := os.ReadFile(filepath.Join(root, ".gitignore"))
	if err != nil {
		return names
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		name, anchored := strings.CutPrefix(strings.TrimSpace(line), "/")
		name = strings.TrimSuffix(name, "/")
		if anchored && name != "" && !strings.ContainsAny(name, "/*") {
			names[name] = true
		}
	}
	return names
}

func modulePath(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if m, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.TrimSpace(m), nil
		}
	}
	return "", errors.New("go.mod names no module")
}

// readNames collects the environment variables that code and scripts use and
// the example modules' variable and output names.
func (r *Repo) readNames() error {
	return filepath.WalkDir(r.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(r.Root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			// docs is what is checked; this package's tests name made-up variables.
			if rel == ".git" || rel == "docs" || rel == "internal/docscheck" || strings.HasPrefix(d.Name(), "bench-results") || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		code := strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".sh") || name == "GNUmakefile" || strings.HasPrefix(rel, ".ci/")
		tf := strings.HasPrefix(rel, "examples/") && strings.HasSuffix(name, ".tf")
		if !code && !tf {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if code {
			for _, n := range envName.FindAllString(string(b), -1) {
				r.EnvNames[n] = true
			}
		}
		if tf {
			for _, m := range moduleName.FindAllStringSubmatch(string(b), -1) {
				r.ModuleNames[m[1]] = true
			}
		}
		return nil
	})
}

// checkTables fails when this package's own tables name something the
// repository no longer has, so they cannot hide drift by going stale.
func (r *Repo) checkTables() error {
	var errs []error
	for v, cmd := range makeFlagVariables {
		if !strings.Contains(r.Makefile, "$("+v+")") {
			errs = append(errs, fmt.Errorf("docscheck: GNUmakefile no longer uses $(%s); update makeFlagVariables", v))
		}
		if _, ok := r.Commands[cmd]; !ok {
			errs = append(errs, fmt.Errorf("docscheck: no command %q for %s; update makeFlagVariables", cmd, v))
		}
	}
	for cmd, extra := range scriptFlags {
		for flag, script := range extra {
			b, err := os.ReadFile(filepath.Join(r.Root, filepath.FromSlash(script)))
			if err != nil || !strings.Contains(string(b), `"-`+flag+`"`) {
				errs = append(errs, fmt.Errorf("docscheck: %s no longer handles -%s for %s; update scriptFlags", script, flag, cmd))
			}
		}
	}
	return errors.Join(errs...)
}

// Exists reports whether a slash path relative to the root exists.
func (r *Repo) Exists(rel string) bool {
	_, err := os.Stat(filepath.Join(r.Root, filepath.FromSlash(rel)))
	return err == nil
}
