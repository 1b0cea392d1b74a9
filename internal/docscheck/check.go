package docscheck

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Finding is a name in a document that the repository does not have.
type Finding struct {
	File string
	Line int
	Msg  string
}

func (f Finding) String() string { return fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Msg) }

// DocFiles lists the documents the check reads, as slash paths relative to
// root: README.md, CHANGELOG.md, docs/**, templates/**, the examples'
// READMEs, .tf and .tfquery.hcl files, and internal/**/README.md.
func DocFiles(root string) ([]string, error) {
	files := []string{"README.md", "CHANGELOG.md"}
	walk := func(dir string, keep func(rel string) bool) error {
		return filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				// Not the project's documents: engine and npm caches a local
				// run may leave (.terraform/ under an example), test data.
				if n := d.Name(); strings.HasPrefix(n, ".") || n == "node_modules" || n == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			if rel = filepath.ToSlash(rel); keep(rel) {
				files = append(files, rel)
			}
			return nil
		})
	}
	isMarkdown := func(rel string) bool { return strings.HasSuffix(rel, ".md") || strings.HasSuffix(rel, ".md.tmpl") }
	for _, w := range []struct {
		dir  string
		keep func(string) bool
	}{
		{"docs", isMarkdown},
		{"templates", isMarkdown},
		{"examples", func(rel string) bool {
			return path.Base(rel) == "README.md" || strings.HasSuffix(rel, ".tf") || strings.HasSuffix(rel, ".tfquery.hcl")
		}},
		{"internal", func(rel string) bool { return path.Base(rel) == "README.md" }},
	} {
		if err := walk(w.dir, w.keep); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// CheckFile checks one document of DocFiles.
func (r *Repo) CheckFile(rel string) ([]Finding, error) {
	b, err := os.ReadFile(filepath.Join(r.Root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	var out []Finding
	if strings.HasSuffix(rel, ".tf") || strings.HasSuffix(rel, ".tfquery.hcl") {
		out = r.CheckHCL(rel, 1, string(b))
	} else {
		out = r.Check(ParseMarkdown(rel, string(b)))
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return a.Line - b.Line })
	return out, nil
}

// Check checks a parsed document.
func (r *Repo) Check(doc Doc) []Finding {
	c := &docChecker{Repo: r, doc: doc, dir: linkDir(doc.Path), owner: r.ownerFlags(doc.Path),
		userFacing: !strings.HasPrefix(doc.Path, "internal/")}
	for _, s := range doc.Spans {
		c.code(s.Line, s.Text, true)
	}
	for _, f := range doc.Fences {
		switch f.Lang {
		case "terraform", "hcl", "tf":
			if isCLIConfiguration(f.Lines) {
				c.Checked["CLI configurations (not checked)"]++
				continue
			}
			c.out = append(c.out, r.CheckHCL(doc.Path, f.Line, strings.Join(f.Lines, "\n"))...)
		case "", "shell", "sh", "bash", "console":
			for i, l := range f.Lines {
				c.code(f.Line+i, strings.TrimPrefix(strings.TrimSpace(l), "$ "), false)
			}
		}
	}
	for _, l := range doc.Links {
		c.link(l)
	}
	for _, t := range doc.TemplateFiles {
		c.Checked["template includes"]++
		if !r.Exists(t.Text) {
			c.add(t.Line, "the template includes %s, which does not exist", t.Text)
		}
	}
	return c.out
}

// linkDir is the directory a document's relative links start from: a
// template's links are resolved where tfplugindocs writes its page.
func linkDir(rel string) string {
	if after, ok := strings.CutPrefix(rel, "templates/"); ok {
		return path.Dir("docs/" + after)
	}
	return path.Dir(rel)
}

// ownerFlags are the flags of the commands a package README documents (the
// commands under its cmd/ directory); nil for other documents.
func (r *Repo) ownerFlags(rel string) map[string]bool {
	dir := path.Dir(rel)
	if dir == "." {
		return nil
	}
	var flags map[string]bool
	for _, cmd := range r.Commands {
		if strings.HasPrefix(cmd.Dir, dir+"/cmd/") {
			if flags == nil {
				flags = map[string]bool{}
			}
			maps.Copy(flags, withScriptFlags(cmd))
		}
	}
	return flags
}

type docChecker struct {
	*Repo
	doc        Doc
	dir        string
	owner      map[string]bool
	userFacing bool
	out        []Finding
}

func (c *docChecker) add(line int, format string, args ...any) {
	c.out = append(c.out, Finding{c.doc.Path, line, fmt.Sprintf(format, args...)})
}

// code checks a code span or a line of a shell block.
func (c *docChecker) code(line int, text string, span bool) {
	cmds := splitCommands(text)
	for _, argv := range cmds {
		c.command(line, argv, span)
		for _, w := range argv {
			c.path(line, w)
			c.env(line, w)
			if !span && c.userFacing && resourceAddress.MatchString(w) {
				// terraform import apsaramq_mqtt_x.name …: the type must exist.
				c.typedPath(line, w, strings.Split(w, ".")[:1])
			}
		}
	}
	if span && c.userFacing {
		c.attribute(line, strings.TrimSpace(text))
	}
}

func (c *docChecker) command(line int, argv []string, span bool) {
	switch {
	case argv[0] == "make":
		c.make(line, argv[1:])
	case argv[0] == "go" && len(argv) > 2 && argv[1] == "run":
		for i, w := range argv[2:] {
			if strings.HasPrefix(w, "-") {
				continue
			}
			dir := path.Clean(strings.TrimPrefix(w, "./"))
			for _, cmd := range c.Commands {
				if cmd.Dir == dir {
					c.flags(line, cmd.Name, argv[3+i:], cmd.Flags)
				}
			}
			return
		}
	case c.Commands[path.Base(argv[0])] != nil:
		cmd := c.Commands[path.Base(argv[0])]
		c.flags(line, cmd.Name, argv[1:], withScriptFlags(cmd))
	case span && isFlag(argv[0]) && !strings.HasPrefix(argv[0], "--"):
		// A flag named on its own, e.g. `-legacy-statuses` in a sentence.
		// The project's commands are Go programs, documented with one dash;
		// `--Name` on its own is another tool's (the aliyun CLI's).
		if c.owner != nil {
			c.flags(line, "the commands of "+path.Dir(c.doc.Path), argv, c.owner)
			return
		}
		c.flags(line, "any of the project's commands", argv, c.allFlags())
	}
}

// withScriptFlags are a command's flags and those its wrapper script takes.
func withScriptFlags(cmd *Command) map[string]bool {
	flags := maps.Clone(cmd.Flags)
	for f := range scriptFlags[cmd.Name] {
		flags[f] = true
	}
	return flags
}

// allFlags are the flags of every command, and the engine flags guides
// recommend: what a flag named on its own in a general document may be.
func (c *docChecker) allFlags() map[string]bool {
	all := maps.Clone(engineFlags)
	for _, cmd := range c.Commands {
		maps.Copy(all, withScriptFlags(cmd))
	}
	return all
}

func (c *docChecker) make(line int, args []string) {
	for _, a := range args {
		name, value, isVar := strings.Cut(a, "=")
		switch {
		case isVar:
			if cmd, ok := makeFlagVariables[name]; ok {
				if command := c.Commands[cmd]; command != nil {
					c.flags(line, command.Name, strings.Fields(value), withScriptFlags(command))
				}
			} else if !strings.Contains(c.Makefile, name) && !c.EnvNames[name] {
				c.add(line, "make %s: neither the GNUmakefile nor the code reads %s", a, name)
			}
		case strings.HasPrefix(a, "-"):
		default:
			c.Checked["make targets"]++
			if !c.MakeTargets[a] {
				c.add(line, "make %s: the GNUmakefile has no target %q (targets: %s)", a, a, strings.Join(sortedKeys(c.MakeTargets), ", "))
			}
		}
	}
}

var flagWord = regexp.MustCompile(`^--?([A-Za-z][A-Za-z0-9_.-]*)(=.*)?$`)

func isFlag(w string) bool { return flagWord.MatchString(w) }

func (c *docChecker) flags(line int, whose string, words []string, known map[string]bool) {
	for _, w := range words {
		m := flagWord.FindStringSubmatch(w)
		if m == nil {
			continue
		}
		c.Checked["flags"]++
		if !known[m[1]] {
			c.add(line, "flag -%s: %s %s no such flag", m[1], whose, hasOrHave(whose))
		}
	}
}

func hasOrHave(whose string) string {
	if strings.HasPrefix(whose, "the commands") || strings.HasPrefix(whose, "any of") {
		return "have"
	}
	return "has"
}

func sortedKeys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }

// isCLIConfiguration reports whether a fenced HCL block is a CLI
// configuration rather than a module: its first block is one only the CLI
// configuration has.
func isCLIConfiguration(lines []string) bool {
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "//") {
			continue
		}
		name, _, _ := strings.Cut(l, " ")
		return cliConfigurationBlocks[name]
	}
	return false
}
