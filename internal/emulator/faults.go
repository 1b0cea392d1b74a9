package emulator

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"
)

const defaultStall = 30 * time.Second

func checkFaults(f FaultConfig) error {
	if f.Rate < 0 || f.Rate > 1 {
		return fmt.Errorf("emulator: fault rate %v is outside 0..1", f.Rate)
	}
	for _, k := range f.Kinds {
		if !slices.Contains(FaultKinds, k) {
			return fmt.Errorf("emulator: unknown fault kind %q (want one of %v)", k, FaultKinds)
		}
	}
	if f.Stall < 0 {
		return fmt.Errorf("emulator: negative stall %v", f.Stall)
	}
	return nil
}

// SetFaults replaces the fault configuration. It never fails: the rate is
// clamped to 0..1 and unknown kinds are dropped (the admin HTTP API and the
// command-line flags reject them instead, see checkFaults).
func (e *Emulator) SetFaults(f FaultConfig) {
	f.Rate = min(max(f.Rate, 0), 1)
	f.Kinds = slices.DeleteFunc(slices.Clone(f.Kinds), func(k string) bool { return !slices.Contains(FaultKinds, k) })
	f.Stall = max(f.Stall, 0)
	e.cfgMu.Lock()
	e.faults = f
	e.cfgMu.Unlock()
}

// pickFault decides, for one signed and valid call, which fault (if any) to
// inject. It returns "" for none.
func (e *Emulator) pickFault(action string) (kind string, stall time.Duration) {
	e.cfgMu.Lock()
	defer e.cfgMu.Unlock()
	f := e.faults
	if f.Rate <= 0 || (len(f.Actions) > 0 && !slices.Contains(f.Actions, action)) {
		return "", 0
	}
	if e.rng.Float64() >= f.Rate {
		return "", 0
	}
	kinds := f.Kinds
	if len(kinds) == 0 {
		kinds = FaultKinds
	}
	stall = f.Stall
	if stall == 0 {
		stall = defaultStall
	}
	return kinds[e.rng.Intn(len(kinds))], stall
}

// injectFault applies a fault to the response and reports whether it did.
func (e *Emulator) injectFault(w http.ResponseWriter, r *http.Request, c *call, fail func(*apiError)) bool {
	kind, stall := e.pickFault(c.action)
	switch kind {
	case "":
		return false
	case FaultInternalError:
		fail(errInternal())
	case FaultServiceUnavailable:
		fail(newErr(CodeServiceUnavailable, "The request has failed due to a temporary failure of the server."))
	case FaultStall:
		// Hang like an overloaded backend; a client with a sane timeout gives
		// up first. If it does not, answer InternalError.
		if sleepCtx(r.Context(), stall) {
			fail(errInternal())
		}
	case FaultReset:
		// A reset models a request lost on the network, so the gateway never
		// saw its nonce. This matters: net/http transparently resends an
		// idempotent GET once when a reused keep-alive connection breaks,
		// with the very same signed URL; a consumed nonce would turn that
		// retry into SignatureNonceUsed.
		e.nonces.release(c.keyID, c.nonce)
		e.countError(FaultReset)
		resetConnection(w)
	}
	return true
}

// resetConnection drops the TCP connection without answering: with SO_LINGER
// 0 the close sends a RST, so the client sees "connection reset" or EOF.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // net/http closes the connection silently
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
