package docscheck

import (
	"regexp"
	"strings"
)

var (
	assignment      = regexp.MustCompile(`^([a-z][a-z0-9_]*)\s*=\s*\S`)
	snakeName       = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)+(\.[a-z][a-z0-9_]*)*$`)
	dottedName      = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)
	resourceAddress = regexp.MustCompile(`^apsaramq_[a-z0-9_]+\.[A-Za-z0-9_-]+$`)
	fileExt         = regexp.MustCompile(`\.(tf|go|md|json|sh|tmpl|ya?ml|mod|sum|zip|tfstate|hcl|txt|pem)$`)
)

// referenceRoots start expressions that are not schema names.
var referenceRoots = map[string]bool{"var": true, "local": true, "module": true, "data": true, "each": true,
	"count": true, "path": true, "self": true, "terraform": true}

// attribute checks a code span of a user-facing document that names a
// schema attribute: `name = value`, a snake_case name, a dotted path like
// `endpoints.onsmqtt`, or a type of this provider.
func (c *docChecker) attribute(line int, s string) {
	if c.Schemas == nil || fileExt.MatchString(s) {
		return
	}
	if m := assignment.FindStringSubmatch(s); m != nil {
		if !strings.Contains(s, "{") { // a block written inline is read as HCL elsewhere
			c.name(line, m[1])
		}
		return
	}
	if !snakeName.MatchString(s) && !dottedName.MatchString(s) {
		return
	}
	segs := strings.Split(s, ".")
	if referenceRoots[segs[0]] {
		return
	}
	if strings.HasPrefix(segs[0], "apsaramq_") {
		c.typedPath(line, s, segs)
		return
	}
	if len(segs) > 1 && !strings.Contains(segs[0], "_") && !c.schemaNames[segs[0]] {
		return // an expression such as `c.id`, where c is a for expression's variable
	}
	for _, seg := range segs {
		c.name(line, seg)
	}
}

func (c *docChecker) name(line int, n string) {
	c.Checked["argument names in prose"]++
	if languageNames[n] || c.ModuleNames[n] || c.schemaNames[n] {
		return
	}
	if _, ok := notAttributes[n]; ok {
		return
	}
	c.add(line, "`%s`: no argument or attribute of the provider's schemas has this name", n)
}

// typedPath checks apsaramq_type or apsaramq_type.attribute[.nested].
func (c *docChecker) typedPath(line int, s string, segs []string) {
	c.Checked["type names in prose"]++
	b, ok := c.Schemas.typeBlock(segs[0])
	if !ok {
		if segs[0] != "apsaramq_mqtt" { // the provider's prefix on its own
			c.add(line, "`%s`: the provider has no resource or data source %q (it has %s)", s, segs[0], strings.Join(c.Schemas.typeNames(), ", "))
		}
		return
	}
	for _, seg := range segs[1:] {
		if b == nil {
			return
		}
		if a, ok := b.Attributes[seg]; ok {
			b = a.Object
			continue
		}
		if nb, ok := b.Blocks[seg]; ok {
			b = nb
			continue
		}
		c.add(line, "`%s`: %s has no attribute %q", s, segs[0], seg)
		return
	}
}
