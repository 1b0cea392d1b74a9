package mqtt

import (
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// The optional status and name_regex filters of the list data sources.

var nameRegexValidator = stringCheck{
	description: "a regular expression in Go (RE2) syntax",
	problem: func(s string) string {
		if _, err := regexp.Compile(s); err != nil {
			return fmt.Sprintf("is not a valid regular expression: %v", err)
		}
		return ""
	},
}

// listFilterConfig is the status and name_regex of a list data source's
// configuration (listStatusAttribute, nameRegexAttribute); its model embeds it.
type listFilterConfig struct {
	Status    types.String `tfsdk:"status"`
	NameRegex types.String `tfsdk:"name_regex"`
}

// listStatusAttribute is the status filter of a list of noun (e.g. "CA certificates").
func listStatusAttribute(noun string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Only " + noun + " in this status: `active` or `inactive`. Default: both.",
		Optional:            true,
		Validators:          []validator.String{statusValidator()},
	}
}

// nameRegexAttribute is the name filter of a list of noun, matched against
// each one's nameAttribute.
func nameRegexAttribute(noun, nameAttribute string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Only " + noun + " whose `" + nameAttribute + "` matches this regular expression (Go RE2 syntax, " +
			"unanchored: use `^...$` for a whole-name match). Checked at plan time.",
		Optional:   true,
		Validators: []validator.String{nameRegexValidator},
	}
}

// filter is the filter the configuration asks for. A name_regex that does
// not compile (nameRegexValidator refuses it at plan time already) is an
// error at that attribute, and ok is false.
func (c listFilterConfig) filter(diags *diag.Diagnostics) (_ listFilter, ok bool) {
	f, err := newListFilter(c.Status, c.NameRegex)
	if err != nil {
		diags.AddAttributeError(path.Root("name_regex"), "Invalid Regular Expression", err.Error())
		return f, false
	}
	return f, true
}

// listFilter is the optional status and name_regex filter of a list data source.
type listFilter struct {
	status onsmqtt.Status // "" = any
	name   *regexp.Regexp // nil = any
}

func newListFilter(status, nameRegex types.String) (listFilter, error) {
	f := listFilter{status: onsmqtt.Status(status.ValueString())}
	if nameRegex.ValueString() != "" {
		re, err := regexp.Compile(nameRegex.ValueString())
		if err != nil {
			return f, fmt.Errorf("name_regex: %w", err)
		}
		f.name = re
	}
	return f, nil
}

func (f listFilter) keep(status onsmqtt.Status, name string) bool {
	return (f.status == "" || f.status == status) && (f.name == nil || f.name.MatchString(name))
}
