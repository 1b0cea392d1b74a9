package mqtt

import (
	"fmt"
	"math/rand"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// The API's order is not promised: whatever it returns, the data source
// gives one order, without the duplicates a shifting page can produce.
func TestSortedDevicesIsStableAndDeduplicated(t *testing.T) {
	var want []onsmqtt.DeviceCertificate
	for _, ca := range []string{"00aa", "0a", "b1"} {
		for i := 0; i < 30; i++ {
			want = append(want, onsmqtt.DeviceCertificate{DeviceKey: onsmqtt.DeviceKey{InstanceID: "post-cn-x", CaSn: ca, DeviceSn: fmt.Sprintf("d%03d", i)}})
		}
	}
	rng := rand.New(rand.NewSource(7))
	for round := 0; round < 20; round++ {
		in := append([]onsmqtt.DeviceCertificate(nil), want...)
		in = append(in, want[rng.Intn(len(want))], want[rng.Intn(len(want))]) // repeated across pages
		rng.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
		got := sortedDevices(in)
		if len(got) != len(want) {
			t.Fatalf("round %d: %d certificates, want %d", round, len(got), len(want))
		}
		for i := range want {
			if got[i].DeviceKey != want[i].DeviceKey {
				t.Fatalf("round %d: position %d is %+v, want %+v", round, i, got[i].DeviceKey, want[i].DeviceKey)
			}
		}
	}
}

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
