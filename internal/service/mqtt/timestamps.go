package mqtt

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// rfc3339 renders a validity bound the API gave, in UTC; "" when it gave none.
func rfc3339(t time.Time) types.String {
	if t.IsZero() {
		return types.StringValue("")
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}
