package mqtt

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// The API's order is not promised: whatever it returns, the data source
// gives one order.
func TestSortedDevicesIsStable(t *testing.T) {
	var want []onsmqtt.DeviceCertificate
	for _, ca := range []string{"00aa", "0a", "b1"} {
		for i := 0; i < 30; i++ {
			want = append(want, onsmqtt.DeviceCertificate{DeviceKey: onsmqtt.DeviceKey{InstanceID: "post-cn-x", CASn: ca, DeviceSn: fmt.Sprintf("d%03d", i)}})
		}
	}
	rng := rand.New(rand.NewSource(7))
	for round := 0; round < 20; round++ {
		in := append([]onsmqtt.DeviceCertificate(nil), want...)
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
