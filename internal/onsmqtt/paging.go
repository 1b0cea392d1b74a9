package onsmqtt

import (
	"context"
	"errors"
)

// maxPageSize is the API's upper bound for PageSize; every list asks for it.
const maxPageSize = 100

// allPages fetches page 1, 2, … of a list until the list ends, returning each
// item once (key names an item). The documentation leaves open how the
// service answers a page past the end, and what Total counts (items or
// pages), so Total is not used and the list ends at
//   - a short page (fewer than maxPageSize items), or
//   - after a full page, a page past the end answered with an error that
//     means "nothing there" (pastTheEnd), or
//   - a full page that adds no item not seen before: the service clamping
//     PageNo to its last page, or ignoring it. Without this guard such a
//     service would be paged forever.
//
// A list of N items therefore costs floor(N/100)+1 calls: a count that is a
// multiple of 100 needs one call past the last full page to see the end.
func allPages[T any](ctx context.Context, log Logger, action string, fetch func(pageNo int) ([]T, error), key func(T) string) ([]T, error) {
	var all []T
	seen := map[string]bool{}
	for page := 1; ; page++ {
		items, err := fetch(page)
		if err != nil {
			if page > 1 && pastTheEnd(err) {
				log.Debug(ctx, "OnsMqtt list ended with an error for the page past the end", map[string]any{
					"action": action, "page": page, "items": len(all), "error": err.Error(),
				})
				return all, nil
			}
			return nil, err
		}
		fresh := 0
		for _, it := range items {
			if k := key(it); !seen[k] {
				seen[k] = true
				all = append(all, it)
				fresh++
			}
		}
		if len(items) < maxPageSize {
			return all, nil
		}
		if fresh == 0 {
			log.Warn(ctx, "OnsMqtt list answered a full page of items already listed; taking it as the end of the list", map[string]any{
				"action": action, "page": page, "items": len(all),
			})
			return all, nil
		}
	}
}

// pastTheEnd reports whether a failed page request (after a full page) is
// the service saying there is no such page: a not-found code such as
// FindDeviceBySnError, or ParameterFieldCheckFailed for a PageNo out of
// range. An operation that ran out of time is never the end of a list.
func pastTheEnd(err error) bool {
	var timeout *TimeoutError
	if errors.As(err, &timeout) {
		return false
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.Class == ClassNotFound || apiErr.Code == "ParameterFieldCheckFailed"
}
