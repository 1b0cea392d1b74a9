package emulator

import (
	"strconv"
	"time"
)

// snParams are the parameters whose documented bound is 128 bytes.
var snParams = map[string]bool{"CaSn": true, "DeviceSn": true, "Sn": true}

// requireParams returns the named parameters, answering
// ParameterFieldCheckFailed when one is missing, empty or (for SNs) longer
// than 128 bytes. Bytes, not characters: "€" counts three.
func requireParams(c *call, names ...string) (map[string]string, *apiError) {
	out := make(map[string]string, len(names))
	for _, n := range names {
		v := c.get(n)
		if v == "" {
			return nil, errField("%s is mandatory.", n)
		}
		if snParams[n] && len(v) > maxSnBytes {
			return nil, errField("%s must not exceed %d bytes.", n, maxSnBytes)
		}
		out[n] = v
	}
	return out, nil
}

// maxPageSize is the documented upper bound of PageSize.
const maxPageSize = 100

// paging parses PageNo (>= 1) and PageSize (1..100); both are required
// decimal strings in the API.
func paging(c *call) (pageNo, pageSize int, aerr *apiError) {
	p, aerr := requireParams(c, "PageNo", "PageSize")
	if aerr != nil {
		return 0, 0, aerr
	}
	pageNo, err := strconv.Atoi(p["PageNo"])
	if err != nil || pageNo < 1 {
		return 0, 0, errField("PageNo must be an integer >= 1.")
	}
	pageSize, err = strconv.Atoi(p["PageSize"])
	if err != nil || pageSize < 1 || pageSize > maxPageSize {
		return 0, 0, errField("PageSize must be an integer in 1..%d.", maxPageSize)
	}
	return pageNo, pageSize, nil
}

// page cuts one page out of items; a page past the end is empty, not an error.
func page[T any](items []T, pageNo, pageSize int) []T {
	start := (pageNo - 1) * pageSize
	if start >= len(items) || start < 0 {
		return []T{}
	}
	return items[start:min(start+pageSize, len(items))]
}

// ownedInstance checks that the instance exists and belongs to the account.
func (s *store) ownedInstance(id, accountID string) *apiError {
	in, ok := s.instances[id]
	if !ok {
		return errInstanceNotFound()
	}
	if in.AccountID != accountID {
		return errOwner()
	}
	return nil
}

// epochMillis renders a time the way the API does: epoch milliseconds as a
// decimal string.
func epochMillis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
