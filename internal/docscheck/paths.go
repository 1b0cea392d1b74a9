package docscheck

import (
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

var (
	placeholder = regexp.MustCompile(`[<{$…*]|\.\.\.|^[A-Z][A-Z0-9_]*(\.[a-z]+)?$`)
	bareFile    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(go|tf|tmpl|sh)$`)
	envWord     = regexp.MustCompile(`^(?:APSARAMQ|ALIBABA_CLOUD|ALICLOUD)_[A-Z0-9_]*[A-Z0-9]`)
)

// path checks a word that looks like a path of the repository: one that
// starts with a name at the repository root (internal/…, ./examples/…), one
// that starts with a name in the document's own directory, or a bare Go,
// Terraform, template or shell file name.
func (c *docChecker) path(line int, w string) {
	w = strings.Trim(w, "\"'(),;")
	if w == "" || strings.Contains(w, "://") || strings.HasPrefix(w, "~") {
		return
	}
	if strings.HasPrefix(w, "/") {
		for _, p := range machinePaths {
			if strings.HasPrefix(w, p) {
				c.add(line, "%s is a path on one machine, outside the repository; name a file of the repository or a public source", w)
			}
		}
		return
	}
	rel := strings.TrimPrefix(w, "./")
	if strings.HasPrefix(rel, "../") || strings.ContainsAny(rel, " :=@") {
		return
	}
	if _, skip := notRepositoryPaths[rel]; skip {
		return
	}
	first, _, hasSlash := strings.Cut(rel, "/")
	switch {
	case first == "cmd" && strings.Count(rel, "/") == 1:
		// `cmd/bench`, written beside its package: one of the commands.
		c.Checked["paths"]++
		if c.Commands[path.Base(rel)] == nil {
			c.add(line, "%s: no command of that name under internal/*/cmd/", w)
		}
	case hasSlash && c.TopLevel[first]:
		c.repoPath(line, w, rel)
	case hasSlash && c.dir != "." && c.Exists(path.Join(c.dir, first)):
		c.repoPath(line, w, path.Join(c.dir, rel))
	case !hasSlash && bareFile.MatchString(rel):
		c.Checked["paths"]++
		if !c.Exists(path.Join(c.dir, rel)) && !c.Exists(rel) {
			c.add(line, "%s: no such file in %s or at the repository root", rel, c.dir)
		}
	}
}

// repoPath checks a repository path; with a placeholder (<name>, NAME.json,
// …, a glob) the directory before it must exist.
func (c *docChecker) repoPath(line int, written, rel string) {
	rel = strings.TrimSuffix(strings.TrimSuffix(rel, "/..."), "/")
	segs := strings.Split(rel, "/")
	for i, s := range segs {
		if !placeholder.MatchString(s) {
			continue
		}
		if strings.Contains(s, "*") && !strings.ContainsAny(s, "<{$…") {
			if m, _ := filepath.Glob(filepath.Join(c.Root, filepath.FromSlash(rel))); len(m) > 0 {
				return
			}
			c.add(line, "%s: nothing in the repository matches it", written)
			return
		}
		rel = strings.Join(segs[:i], "/")
		break
	}
	c.Checked["paths"]++
	if rel != "" && !c.Exists(rel) {
		c.add(line, "%s: no such file or directory in the repository", written)
	}
}

func (c *docChecker) env(line int, w string) {
	m := envWord.FindString(w)
	if m == "" {
		return
	}
	c.Checked["environment variables"]++
	if !c.EnvNames[m] {
		c.add(line, "environment variable %s: no code or script of the project reads it", m)
	}
}

func (c *docChecker) link(l Text) {
	t := l.Text
	if strings.Contains(t, "://") || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "mailto:") {
		return
	}
	t, _, _ = strings.Cut(t, "#")
	c.Checked["links"]++
	if strings.HasPrefix(t, "/") {
		c.path(l.Line, t)
		return
	}
	target := path.Join(c.dir, t)
	if strings.HasPrefix(target, "../") || !c.Exists(target) {
		c.add(l.Line, "link to %s: %s does not exist", l.Text, target)
	}
}
