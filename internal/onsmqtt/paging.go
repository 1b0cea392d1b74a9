package onsmqtt

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"time"
)

// maxPageSize is the API's upper bound for PageSize; every list asks for it.
const maxPageSize = 100

// prefetchConcurrency bounds the pages of one list read at once.
const prefetchConcurrency = 8

// maxPreallocated bounds the room a list reserves from the Total it is told.
const maxPreallocated = 1 << 18

// page is one answer of a list operation.
type page[T any] struct {
	items []T
	total int // Data.Total: items or pages, the documentation disagrees
	err   error
}

// pageParams is params for one page of a list.
func pageParams(params map[string]string, pageNo int) map[string]string {
	p := maps.Clone(params)
	p["PageNo"] = strconv.Itoa(pageNo)
	p["PageSize"] = strconv.Itoa(maxPageSize)
	return p
}

// allPages fetches the pages of a list until it ends, returning each item
// once (key names an item). The documentation leaves open how the service
// answers a page past the end, and what Total counts (items or pages), so
// the end is always seen, never taken from Total:
//   - a short page (fewer than maxPageSize items), or
//   - after a full page, a page past the end answered with an error that
//     means "nothing there" (pastTheEnd), or
//   - a full page that adds no item not seen before: the service clamping
//     PageNo to its last page, or ignoring it. Without this guard such a
//     service would be paged forever.
//
// A list of N items therefore costs floor(N/100)+1 calls: a count that is a
// multiple of 100 needs one call past the last full page to see the end.
//
// Total is used only to read faster: when it can count items (it is at
// least the first page's hundred), the pages it implies are fetched
// concurrently, then each is judged in order as above. If Total counts
// pages instead, it is below a hundred for any list under 9,900 items and
// nothing is fetched ahead; if it overstates, the pages past the end answer
// empty or "nothing there" and end the list as usual.
func allPages[T any, K comparable](ctx context.Context, log Logger, action string, fetch func(pageNo int) ([]T, int, error), key func(T) K) ([]T, error) {
	var (
		all     []T
		seen    = map[K]bool{}
		ahead   = map[int]page[T]{}
		started = time.Now()
		implied int // pages Total implies, 0 before it is known
	)
	// incomplete is the error of a list that failed at page at: the pages
	// before it answered, and so did those read ahead that did not fail.
	incomplete := func(at int, err error) error {
		pages, items := at-1, len(all)
		for no, p := range ahead {
			if no > at && p.err == nil {
				pages, items = pages+1, items+len(p.items)
			}
		}
		return &ListIncompleteError{Action: action, Pages: pages, Implied: implied, Items: items, Elapsed: time.Since(started), Err: err}
	}
	for pageNo := 1; ; pageNo++ {
		p, ok := ahead[pageNo]
		if !ok {
			p.items, p.total, p.err = fetch(pageNo)
		}
		if p.err != nil {
			if pageNo > 1 && pastTheEnd(p.err) {
				log.Debug(ctx, "OnsMqtt list ended with an error for the page past the end", map[string]any{
					"action": action, "page": pageNo, "items": len(all), "error": p.err.Error(),
				})
				return all, nil
			}
			if pageNo == 1 {
				return nil, p.err
			}
			return nil, incomplete(pageNo, p.err)
		}
		if all == nil {
			// Sized for the list Total announces, within reason: Total is
			// the service's word, not a bound.
			all = make([]T, 0, max(len(p.items), min(p.total, maxPreallocated)))
		}
		fresh := 0
		for _, it := range p.items {
			if k := key(it); !seen[k] {
				seen[k] = true
				all = append(all, it)
				fresh++
			}
		}
		if len(p.items) < maxPageSize {
			return all, nil
		}
		if fresh == 0 {
			log.Warn(ctx, "OnsMqtt list answered a full page of items already listed; taking it as the end of the list", map[string]any{
				"action": action, "page": pageNo, "items": len(all),
			})
			return all, nil
		}
		if pageNo == 1 && p.total > maxPageSize {
			implied = (p.total + maxPageSize - 1) / maxPageSize
			ahead = prefetch(fetch, 2, implied)
		}
	}
}

// prefetch fetches pages from..to concurrently.
func prefetch[T any](fetch func(pageNo int) ([]T, int, error), from, to int) map[int]page[T] {
	out := make(map[int]page[T], max(0, to-from+1))
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		sem = make(chan struct{}, prefetchConcurrency)
	)
	for pageNo := from; pageNo <= to; pageNo++ {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			var p page[T]
			p.items, p.total, p.err = fetch(pageNo)
			mu.Lock()
			out[pageNo] = p
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

// pastTheEnd reports whether a failed page request (after a full page) is
// the service saying there is no such page: a not-found code such as
// FindDeviceBySnError, or ParameterFieldCheckFailed for a PageNo out of
// range. An operation that ran out of time or was cancelled is never the
// end of a list, whatever failed last.
func pastTheEnd(err error) bool {
	var (
		timeout  *TimeoutError
		canceled *CanceledError
	)
	if errors.As(err, &timeout) || errors.As(err, &canceled) {
		return false
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.Class == ClassNotFound || apiErr.Code == "ParameterFieldCheckFailed"
}

// ListIncompleteError is a list that stopped after its first page: Pages
// pages (Items items) had answered in Elapsed when Err ended it. Implied is
// the number of pages the first page's Total implied (0 when it gave
// none). A list that runs out of time says so here with its progress, since
// the timeout itself may carry no failure at all: the service answered
// every call, and the list was only slow.
type ListIncompleteError struct {
	Action  string
	Pages   int
	Implied int
	Items   int
	Elapsed time.Duration
	Err     error
}

func (e *ListIncompleteError) Error() string {
	of := ""
	if e.Implied > 0 {
		of = fmt.Sprintf(" of about %d", e.Implied)
	}
	return fmt.Sprintf("%s stopped after %d page(s)%s (%d item(s)) in %s: %v", e.Action, e.Pages, of, e.Items, e.Elapsed.Round(100*time.Millisecond), e.Err)
}

func (e *ListIncompleteError) Unwrap() error { return e.Err }
