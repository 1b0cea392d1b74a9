package mqtt

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// What every data source of this package shares: the regional client and
// the read timeout, and the list filters.

const defaultDataSourceReadTimeout = 5 * time.Minute

// startRead returns the client for region and a context bounded by the
// data source's read timeout; callers defer cancel when diags has no error.
func startRead(ctx context.Context, base *onsmqtt.Client, region types.String, t timeouts.Value) (context.Context, context.CancelFunc, *onsmqtt.Client, diag.Diagnostics) {
	timeout, diags := t.Read(ctx, defaultDataSourceReadTimeout)
	if diags.HasError() {
		return ctx, func() {}, nil, diags
	}
	client, d := regionalClient(base, region)
	if diags.Append(d...); diags.HasError() {
		return ctx, func() {}, nil, diags
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, client, diags
}

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
