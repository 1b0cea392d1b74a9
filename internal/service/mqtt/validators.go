package mqtt

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// maxSerialNumberBytes is the API's limit on CaSn and DeviceSn. It counts
// bytes, not characters: 43 three-byte characters (129 bytes) are too long.
const maxSerialNumberBytes = 128

// instanceIDPattern admits the two documented families, post-cn-… and
// mqtt-cn-…; the docs give no stricter rule for the suffix.
var instanceIDPattern = regexp.MustCompile(`^(post|mqtt)-[a-z0-9]+(-[a-z0-9]+)*$`)

const maxInstanceIDLength = 64

// serialNumberProblem explains what is wrong with a serial number, or "".
func serialNumberProblem(s string) string {
	switch {
	case s == "":
		return "must not be empty"
	case len(s) > maxSerialNumberBytes:
		return fmt.Sprintf("must be at most %d bytes, got %d bytes (%d characters)", maxSerialNumberBytes, len(s), len([]rune(s)))
	case strings.Contains(s, ":"):
		return "must not contain ':'; it looks like the composite form instance_id:ca_sn:device_sn, " +
			"which only import IDs use: set instance_id, ca_sn and device_sn as separate attributes"
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Sprintf("must not contain whitespace or control characters (found %q)", r)
		}
	}
	return ""
}

// instanceIDProblem explains what is wrong with an instance ID, or "".
func instanceIDProblem(s string) string {
	switch {
	case s == "":
		return "must not be empty"
	case len(s) > maxInstanceIDLength:
		return fmt.Sprintf("must be at most %d characters, got %d", maxInstanceIDLength, len(s))
	case !instanceIDPattern.MatchString(s):
		return fmt.Sprintf("must look like post-cn-xxxxxxxx or mqtt-cn-xxxxxxxx (lowercase letters, digits and '-'), got %q", s)
	}
	return ""
}

// stringCheck adapts a problem function to a schema validator, so the same
// rule serves the schema (plan time, pointing at the config line) and the
// import ID parser.
type stringCheck struct {
	description string
	problem     func(string) string
}

var (
	_ validator.String = stringCheck{}

	serialNumberValidator = stringCheck{
		description: fmt.Sprintf("a non-empty serial number of at most %d bytes without whitespace, control characters or ':'", maxSerialNumberBytes),
		problem:     serialNumberProblem,
	}
	instanceIDValidator = stringCheck{
		description: "an ApsaraMQ for MQTT instance ID such as post-cn-xxxxxxxx or mqtt-cn-xxxxxxxx",
		problem:     instanceIDProblem,
	}
)

func (c stringCheck) Description(context.Context) string { return "value must be " + c.description }
func (c stringCheck) MarkdownDescription(context.Context) string {
	return "value must be " + c.description
}

// ValidateString skips unknown values: a serial number produced by another
// resource is checked once it is known, before apply.
func (c stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := c.problem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s %s.", req.Path, problem))
	}
}
