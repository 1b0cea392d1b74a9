package docscheck

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// metaArguments may appear in any resource or data block.
var metaArguments = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true}

// metaBlocks may appear in any resource or data block.
var metaBlocks = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true, "dynamic": true}

// listArguments may appear in a query file's list block (Terraform 1.14),
// beside its config block.
var listArguments = map[string]bool{"provider": true, "count": true, "for_each": true, "limit": true, "include_resource": true}

// CheckHCL checks a configuration (a .tf or .tfquery.hcl file, or a fenced
// block of one whose first line is firstLine of file): every argument and
// block of the provider's configuration, its resources, data sources, list
// blocks' config and import blocks must exist in the schema, and a
// configuration must not set a read-only attribute. Blocks of other
// providers are left alone.
func (r *Repo) CheckHCL(file string, firstLine int, src string) []Finding {
	f, diags := hclsyntax.ParseConfig([]byte(src), file, hcl.Pos{Line: firstLine, Column: 1})
	var out []Finding
	for _, d := range diags {
		line := firstLine
		if d.Subject != nil {
			line = d.Subject.Start.Line
		}
		out = append(out, Finding{file, line, fmt.Sprintf("the configuration does not parse: %s: %s", d.Summary, d.Detail)})
	}
	if diags.HasErrors() {
		return out
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return out
	}
	for _, b := range body.Blocks {
		switch {
		case b.Type == "provider" && len(b.Labels) == 1 && b.Labels[0] == "apsaramq":
			out = append(out, r.checkBody(file, b.Body, r.Schemas.Provider, `provider "apsaramq"`, map[string]bool{"alias": true, "version": true})...)
		case (b.Type == "resource" || b.Type == "data") && len(b.Labels) == 2 && strings.HasPrefix(b.Labels[0], "apsaramq_"):
			schema := r.Schemas.Resources[b.Labels[0]]
			if b.Type == "data" {
				schema = r.Schemas.DataSources[b.Labels[0]]
			}
			if schema == nil {
				out = append(out, Finding{file, b.TypeRange.Start.Line, fmt.Sprintf("the provider has no %s type %q", kind(b.Type), b.Labels[0])})
				continue
			}
			out = append(out, r.checkBody(file, b.Body, schema, b.Labels[0], metaArguments)...)
		case b.Type == "list" && len(b.Labels) == 2 && strings.HasPrefix(b.Labels[0], "apsaramq_"):
			out = append(out, r.checkList(file, b)...)
		case b.Type == "import":
			out = append(out, r.checkImport(file, b.Body)...)
		}
	}
	return out
}

func kind(blockType string) string {
	if blockType == "data" {
		return "data source"
	}
	return "resource"
}

func (r *Repo) checkBody(file string, body *hclsyntax.Body, schema *Block, where string, meta map[string]bool) []Finding {
	var out []Finding
	r.Checked["configuration blocks"]++
	for name, attr := range body.Attributes {
		if meta[name] {
			continue
		}
		r.Checked["configuration arguments"]++
		a, ok := schema.Attributes[name]
		switch {
		case !ok:
			out = append(out, Finding{file, attr.NameRange.Start.Line, fmt.Sprintf("%s has no argument %q", where, name)})
		case !a.Settable:
			out = append(out, Finding{file, attr.NameRange.Start.Line, fmt.Sprintf("%s: %q is read-only; a configuration cannot set it", where, name)})
		case a.Object != nil:
			out = append(out, r.checkObjectKeys(file, attr.Expr, a.Object, where+"."+name)...)
		}
	}
	for _, blk := range body.Blocks {
		if meta["count"] && metaBlocks[blk.Type] {
			continue
		}
		nested, ok := schema.Blocks[blk.Type]
		if !ok {
			out = append(out, Finding{file, blk.TypeRange.Start.Line, fmt.Sprintf("%s has no block %q", where, blk.Type)})
			continue
		}
		out = append(out, r.checkBody(file, blk.Body, nested, where+"."+blk.Type, nil)...)
	}
	return out
}

// checkList checks a list block: its own arguments, and its config block
// against the list resource's schema.
func (r *Repo) checkList(file string, b *hclsyntax.Block) []Finding {
	typ := b.Labels[0]
	schema := r.Schemas.ListResources[typ]
	if schema == nil {
		return []Finding{{file, b.TypeRange.Start.Line, fmt.Sprintf("the provider has no list resource type %q", typ)}}
	}
	r.Checked["list blocks"]++
	where := `list "` + typ + `"`
	var out []Finding
	for name, attr := range b.Body.Attributes {
		r.Checked["configuration arguments"]++
		if !listArguments[name] {
			out = append(out, Finding{file, attr.NameRange.Start.Line, fmt.Sprintf("%s has no argument %q (a list block takes %s and a config block)",
				where, name, strings.Join(sortedKeys(listArguments), ", "))})
		}
	}
	for _, blk := range b.Body.Blocks {
		if blk.Type != "config" {
			out = append(out, Finding{file, blk.TypeRange.Start.Line, fmt.Sprintf("%s has no block %q (only config)", where, blk.Type)})
			continue
		}
		out = append(out, r.checkBody(file, blk.Body, schema, where+".config", nil)...)
	}
	return out
}

// checkObjectKeys checks the keys of an object written for a nested
// attribute (timeouts = { create = "10m" }).
func (r *Repo) checkObjectKeys(file string, expr hclsyntax.Expression, schema *Block, where string) []Finding {
	obj, ok := expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	var out []Finding
	for _, item := range obj.Items {
		r.Checked["configuration arguments"]++
		key := hcl.ExprAsKeyword(item.KeyExpr)
		if key == "" {
			continue
		}
		if _, ok := schema.Attributes[key]; !ok {
			out = append(out, Finding{file, item.KeyExpr.Range().Start.Line, fmt.Sprintf("%s has no attribute %q", where, key)})
		}
	}
	return out
}

// checkImport checks the identity of an import block against the target
// type's identity schema.
func (r *Repo) checkImport(file string, body *hclsyntax.Body) []Finding {
	to, ok := body.Attributes["to"]
	if !ok {
		return nil
	}
	trav, diags := hcl.AbsTraversalForExpr(to.Expr)
	if diags.HasErrors() || len(trav) == 0 {
		return nil
	}
	typ := trav.RootName()
	if !strings.HasPrefix(typ, "apsaramq_") {
		return nil
	}
	ids, ok := r.Schemas.Identities[typ]
	if _, isType := r.Schemas.Resources[typ]; !isType {
		return []Finding{{file, to.NameRange.Start.Line, fmt.Sprintf("import to %q: the provider has no resource type %q", typ, typ)}}
	}
	identity, has := body.Attributes["identity"]
	if !has {
		return nil
	}
	if !ok {
		return []Finding{{file, identity.NameRange.Start.Line, fmt.Sprintf("%s has no resource identity", typ)}}
	}
	block := &Block{Attributes: map[string]Attribute{}}
	for n := range ids {
		block.Attributes[n] = Attribute{Settable: true}
	}
	return r.checkObjectKeys(file, identity.Expr, block, typ+" identity")
}
