package mqtt

import (
	"fmt"
	"regexp"

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
