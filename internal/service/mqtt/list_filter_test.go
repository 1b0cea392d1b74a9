package mqtt

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

func TestListFilter(t *testing.T) {
	f, err := newListFilter(types.StringValue("inactive"), types.StringValue("^gw-"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		status onsmqtt.Status
		name   string
		keep   bool
	}{
		{onsmqtt.StatusInactive, "gw-1", true},
		{onsmqtt.StatusActive, "gw-1", false},
		{onsmqtt.StatusInactive, "sensor-gw-1", false},
	}
	for _, c := range cases {
		if got := f.keep(c.status, c.name); got != c.keep {
			t.Errorf("keep(%s, %q) = %v", c.status, c.name, got)
		}
	}
	all, _ := newListFilter(types.StringNull(), types.StringNull())
	if !all.keep(onsmqtt.StatusActive, "") || !all.keep(onsmqtt.StatusInactive, "x") {
		t.Error("an empty filter must keep everything")
	}
	if _, err := newListFilter(types.StringNull(), types.StringValue("(")); err == nil {
		t.Error("an invalid regex must be refused")
	}
	if problem := nameRegexValidator.problem("a(b"); !regexp.MustCompile(`not a valid regular expression`).MatchString(problem) {
		t.Errorf("validator problem %q", problem)
	}
}
