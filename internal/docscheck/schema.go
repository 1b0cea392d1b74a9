package docscheck

import (
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Block is what one configuration block (or object attribute) may hold.
type Block struct {
	Attributes map[string]Attribute
	Blocks     map[string]*Block
}

// Attribute is one attribute of a block.
type Attribute struct {
	Settable bool   // required or optional: a configuration may set it
	Object   *Block // the attributes of a nested attribute (e.g. timeouts), else nil
}

// Schemas are the provider's configuration, resource, data source and list
// resource schemas, and each resource's identity attributes. A list
// resource's schema is what its list block's config block may hold.
type Schemas struct {
	Provider      *Block
	Resources     map[string]*Block
	DataSources   map[string]*Block
	ListResources map[string]*Block
	Identities    map[string]map[string]bool
}

// SchemasFromProtocol converts what a provider server answers to
// GetProviderSchema and GetResourceIdentitySchemas.
func SchemasFromProtocol(s *tfprotov6.GetProviderSchemaResponse, ids *tfprotov6.GetResourceIdentitySchemasResponse) *Schemas {
	out := &Schemas{Resources: map[string]*Block{}, DataSources: map[string]*Block{}, ListResources: map[string]*Block{},
		Identities: map[string]map[string]bool{}}
	if s.Provider != nil {
		out.Provider = fromBlock(s.Provider.Block)
	}
	for name, r := range s.ResourceSchemas {
		out.Resources[name] = fromBlock(r.Block)
	}
	for name, d := range s.DataSourceSchemas {
		out.DataSources[name] = fromBlock(d.Block)
	}
	for name, l := range s.ListResourceSchemas {
		out.ListResources[name] = fromBlock(l.Block)
	}
	if ids != nil {
		for name, id := range ids.IdentitySchemas {
			attrs := map[string]bool{}
			for _, a := range id.IdentityAttributes {
				attrs[a.Name] = true
			}
			out.Identities[name] = attrs
		}
	}
	return out
}

func fromBlock(b *tfprotov6.SchemaBlock) *Block {
	out := &Block{Attributes: map[string]Attribute{}, Blocks: map[string]*Block{}}
	if b == nil {
		return out
	}
	for _, a := range b.Attributes {
		out.Attributes[a.Name] = Attribute{Settable: a.Required || a.Optional, Object: fromObject(a.NestedType)}
	}
	for _, nb := range b.BlockTypes {
		out.Blocks[nb.TypeName] = fromBlock(nb.Block)
	}
	return out
}

func fromObject(o *tfprotov6.SchemaObject) *Block {
	if o == nil {
		return nil
	}
	out := &Block{Attributes: map[string]Attribute{}, Blocks: map[string]*Block{}}
	for _, a := range o.Attributes {
		out.Attributes[a.Name] = Attribute{Settable: a.Required || a.Optional, Object: fromObject(a.NestedType)}
	}
	return out
}

// names returns every attribute and block name of every schema, nested
// ones included: the names a doc may write in prose.
func (s *Schemas) names() map[string]bool {
	all := map[string]bool{}
	var walk func(*Block)
	walk = func(b *Block) {
		if b == nil {
			return
		}
		for n, a := range b.Attributes {
			all[n] = true
			walk(a.Object)
		}
		for n, nb := range b.Blocks {
			all[n] = true
			walk(nb)
		}
	}
	walk(s.Provider)
	for _, b := range s.Resources {
		walk(b)
	}
	for _, b := range s.DataSources {
		walk(b)
	}
	for _, b := range s.ListResources {
		walk(b)
	}
	for _, ids := range s.Identities {
		maps.Copy(all, ids)
	}
	return all
}

// typeBlock returns the schema of a resource or data source type.
func (s *Schemas) typeBlock(name string) (*Block, bool) {
	if b, ok := s.Resources[name]; ok {
		return b, true
	}
	b, ok := s.DataSources[name]
	return b, ok
}

func (s *Schemas) typeNames() []string {
	names := slices.Collect(maps.Keys(s.Resources))
	names = append(names, slices.Collect(maps.Keys(s.DataSources))...)
	slices.Sort(names)
	return slices.Compact(names)
}
