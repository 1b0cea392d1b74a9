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

// listPage cuts one page out of items and computes Data.Total, following
// the Behaviour switches: a page past the end (PageNo > 1 with no item on
// it) is empty or answers pastEnd(); Total counts items or pages.
func listPage[T any](b Behaviour, items []T, pageNo, pageSize int, pastEnd func() *apiError) ([]T, int, *apiError) {
	total := len(items)
	if b.TotalCounts == TotalPages {
		total = (len(items) + pageSize - 1) / pageSize
	}
	start := (pageNo - 1) * pageSize
	if start >= len(items) {
		if pageNo > 1 && b.PastEndPage == PastEndError {
			return nil, 0, pastEnd()
		}
		return []T{}, total, nil
	}
	return items[start:min(start+pageSize, len(items))], total, nil
}

// ownedInstance checks that the instance exists and belongs to the account.
func (s *store) ownedInstance(id, accountID string) *apiError {
	return s.instanceFor(id, accountID, errOwner)
}

// instanceFor is ownedInstance with the error answered for another
// account's instance chosen by the operation.
func (s *store) instanceFor(id, accountID string, foreign func() *apiError) *apiError {
	in, ok := s.instances[id]
	if !ok {
		return errInstanceNotFound()
	}
	if in.AccountID != accountID {
		return foreign()
	}
	return nil
}

// epochMillis renders a time the way the API does: epoch milliseconds as a
// decimal string.
func epochMillis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
