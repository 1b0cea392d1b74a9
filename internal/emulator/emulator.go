// Package emulator is a local, in-memory emulator of Alibaba Cloud's OnsMqtt
// OpenAPI (version 2020-04-20) certificate operations plus a tiny STS
// (AssumeRole). It speaks the real wire protocol: RPC requests signed with
// HMAC-SHA1 (SignatureVersion 1.0) or ACS3-HMAC-SHA256, JSON responses and
// the gateway's error bodies, so an unmodified Alibaba SDK can be pointed at
// it. It deliberately imports only the standard library: its signature
// checks are written from the documented algorithm, independently of any
// SDK, so a bug on one side cannot hide on the other.
package emulator

import (
	"errors"
	"fmt"
	"maps"
	"math/rand"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// Emulator is the emulated service. It is an http.Handler and safe for
// concurrent use.
type Emulator struct {
	now       func() time.Time
	maxCAs    int
	stateFile string

	mu       sync.Mutex // guards st and tempKeys
	st       *store
	tempKeys map[string]*tempCredential
	version  uint64 // bumped by every mutation; orders state-file writes

	persistMu sync.Mutex // serialises state-file writes
	persisted uint64     // version last written to stateFile

	cfgMu        sync.Mutex // guards the runtime-tunable gateway behaviour below
	rateLimit    float64
	throttleCode string
	legacy       bool
	latency      time.Duration
	faults       FaultConfig
	behaviour    Behaviour
	rng          *rand.Rand
	buckets      map[string]*tokenBucket

	nonces *nonceCache

	adminOnce sync.Once
	admin     *http.ServeMux

	countMu sync.Mutex
	calls   map[string]int64
	errs    map[string]int64
	// Temporary credentials: issued since ResetCounters, requests for them
	// in flight now and at most.
	issued, issuing, issuePeak int

	tempLifetime time.Duration // Options.TemporaryCredentialLifetime
}

// New validates the seed and returns an emulator. With Options.StateFile set
// and present on disk, the file's state is used instead of seed.
func New(seed Seed, opts Options) (*Emulator, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if opts.StateFile != "" {
		loaded, err := ReadSeedFile(opts.StateFile)
		switch {
		case err == nil:
			seed = loaded
		case !errors.Is(err, os.ErrNotExist):
			return nil, err
		}
	}
	st, err := newStore(seed, now())
	if err != nil {
		return nil, err
	}
	if opts.ThrottleCode == "" {
		opts.ThrottleCode = CodeThrottlingUser
	}
	if opts.ThrottleCode != CodeThrottlingUser && opts.ThrottleCode != CodeSystemOverFlow {
		return nil, errors.New("emulator: ThrottleCode must be Throttling.User or SystemOverFlow")
	}
	if err := checkFaults(opts.Faults); err != nil {
		return nil, err
	}
	if err := checkBehaviour(opts.Behaviour); err != nil {
		return nil, err
	}
	if opts.MaxCAsPerInstance <= 0 {
		opts.MaxCAsPerInstance = 10
	}
	randSeed := opts.RandSeed
	if randSeed == 0 {
		randSeed = time.Now().UnixNano()
	}
	e := &Emulator{
		now:          now,
		maxCAs:       opts.MaxCAsPerInstance,
		stateFile:    opts.StateFile,
		st:           st,
		tempKeys:     map[string]*tempCredential{},
		rateLimit:    opts.RateLimit,
		throttleCode: opts.ThrottleCode,
		legacy:       opts.LegacyStatuses,
		latency:      opts.Latency,
		faults:       opts.Faults,
		behaviour:    opts.Behaviour,
		rng:          rand.New(rand.NewSource(randSeed)),
		buckets:      map[string]*tokenBucket{},
		nonces:       newNonceCache(),
		calls:        map[string]int64{},
		errs:         map[string]int64{},
		tempLifetime: opts.TemporaryCredentialLifetime,
	}
	if e.stateFile != "" {
		// Write the initial state so the file exists from the start.
		e.mu.Lock()
		e.version++
		e.mu.Unlock()
		if err := e.persist(); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// mutate runs fn under the state lock and, when fn succeeds, persists the
// new state. fn must leave the store untouched when it returns an error.
func (e *Emulator) mutate(fn func(s *store) error) error {
	e.mu.Lock()
	err := fn(e.st)
	if err == nil {
		e.version++
	}
	e.mu.Unlock()
	if err == nil && e.stateFile != "" {
		// A failed write must not fail the API call that already happened;
		// the next mutation retries with the then-current state.
		_ = e.persist()
	}
	return err
}

// mutateAPI is mutate for operations whose failures are API errors, so
// callers get the *apiError back without a type assertion.
func (e *Emulator) mutateAPI(fn func(s *store) *apiError) *apiError {
	var apiErr *apiError
	_ = e.mutate(func(s *store) error {
		if apiErr = fn(s); apiErr != nil {
			return apiErr
		}
		return nil
	})
	return apiErr
}

// read runs fn under the state lock without persisting.
func (e *Emulator) read(fn func(s *store)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	fn(e.st)
}

// mutateOwned is mutateAPI for an operation on an instance: fn runs only
// once the caller's account is known to own it.
func (e *Emulator) mutateOwned(c *call, instanceID string, fn func(s *store) *apiError) *apiError {
	return e.mutateAPI(func(s *store) *apiError {
		if aerr := s.ownedInstance(instanceID, c.accountID); aerr != nil {
			return aerr
		}
		return fn(s)
	})
}

// readOwned is read for an operation on an instance: fn runs only once the
// caller's account is known to own it, and the first error is the call's.
func (e *Emulator) readOwned(c *call, instanceID string, fn func(s *store) *apiError) *apiError {
	var aerr *apiError
	e.read(func(s *store) {
		if aerr = s.ownedInstance(instanceID, c.accountID); aerr == nil {
			aerr = fn(s)
		}
	})
	return aerr
}

// persist writes the current state if nobody wrote a newer version already.
// Snapshots are taken under persistMu so the file only ever moves forward.
func (e *Emulator) persist() error {
	e.persistMu.Lock()
	defer e.persistMu.Unlock()
	e.mu.Lock()
	v, snap := e.version, e.st.snapshot()
	e.mu.Unlock()
	if v <= e.persisted {
		return nil
	}
	if err := WriteSeedFile(e.stateFile, snap); err != nil {
		return err
	}
	e.persisted = v
	return nil
}

// Server is an emulator bound to a real TCP listener and, with
// Options.TLSCA, to an HTTPS listener beside it.
type Server struct {
	*Emulator
	URL      string // http://127.0.0.1:PORT
	Endpoint string // 127.0.0.1:PORT, what an SDK takes as Domain/Endpoint
	// HTTPSURL and HTTPSEndpoint are the HTTPS listener's, when there is one.
	HTTPSURL      string
	HTTPSEndpoint string
	srv           *http.Server
	tlsSrv        *http.Server
	ln            net.Listener
}

// Start creates an emulator and serves it on listen (e.g. "127.0.0.1:0").
func Start(seed Seed, opts Options, listen string) (*Server, error) {
	e, err := New(seed, opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, err
	}
	s := &Server{
		Emulator: e,
		Endpoint: ln.Addr().String(),
		URL:      "http://" + ln.Addr().String(),
		srv:      &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second},
		ln:       ln,
	}
	go func() { _ = s.srv.Serve(ln) }()
	if opts.TLSCA != nil {
		host, _, _ := net.SplitHostPort(s.Endpoint)
		if err := s.serveTLS(opts.TLSCA, host); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close stops the listener and interrupts in-flight requests (including
// stalled ones).
func (s *Server) Close() error {
	if s.tlsSrv != nil {
		_ = s.tlsSrv.Close()
	}
	err := s.srv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// HTTPServer exposes the underlying http.Server, e.g. for a graceful Shutdown.
func (s *Server) HTTPServer() *http.Server { return s.srv }

// countCall records a request that named an action.
func (e *Emulator) countCall(action string) {
	e.countMu.Lock()
	e.calls[action]++
	e.countMu.Unlock()
}

func (e *Emulator) countError(code string) {
	e.countMu.Lock()
	e.errs[code]++
	e.countMu.Unlock()
}

// Calls returns, per Action, every request that named that action (counted
// before authentication, throttling and faults).
func (e *Emulator) Calls() map[string]int64 {
	e.countMu.Lock()
	defer e.countMu.Unlock()
	return maps.Clone(e.calls)
}

// Errors returns, per error Code, how many error responses carried it.
// Injected connection resets carry no code and are counted as "reset".
func (e *Emulator) Errors() map[string]int64 {
	e.countMu.Lock()
	defer e.countMu.Unlock()
	return maps.Clone(e.errs)
}

// ResetCounters zeroes Calls and Errors.
func (e *Emulator) ResetCounters() {
	e.countMu.Lock()
	e.calls = map[string]int64{}
	e.errs = map[string]int64{}
	e.issued, e.issuePeak = 0, e.issuing
	e.countMu.Unlock()
}

// SetRateLimit changes the per-account limit (0 = unlimited) and the code
// answered when it is exceeded ("" keeps the current code). An invalid code
// is ignored.
func (e *Emulator) SetRateLimit(callsPerSecond float64, code string) {
	e.cfgMu.Lock()
	defer e.cfgMu.Unlock()
	e.rateLimit = callsPerSecond
	if code == CodeThrottlingUser || code == CodeSystemOverFlow {
		e.throttleCode = code
	}
	e.buckets = map[string]*tokenBucket{} // start every account with a full bucket
}

// SetLatency changes the delay added to every API call.
func (e *Emulator) SetLatency(d time.Duration) {
	e.cfgMu.Lock()
	e.latency = d
	e.cfgMu.Unlock()
}

// SetLegacyStatuses switches between the pre- and post-change HTTP statuses
// of MQTT error codes.
func (e *Emulator) SetLegacyStatuses(legacy bool) {
	e.cfgMu.Lock()
	e.legacy = legacy
	e.cfgMu.Unlock()
}

func (e *Emulator) legacyStatuses() bool {
	e.cfgMu.Lock()
	defer e.cfgMu.Unlock()
	return e.legacy
}

// checkBehaviour rejects unknown values of the string switches.
func checkBehaviour(b Behaviour) error {
	switch b.PastEndPage {
	case "", PastEndEmpty, PastEndError:
	default:
		return fmt.Errorf("emulator: PastEndPage must be %q or %q, got %q", PastEndEmpty, PastEndError, b.PastEndPage)
	}
	switch b.TotalCounts {
	case "", TotalItems, TotalPages:
	default:
		return fmt.Errorf("emulator: TotalCounts must be %q or %q, got %q", TotalItems, TotalPages, b.TotalCounts)
	}
	return nil
}

// SetBehaviour switches the readings of unconfirmed points at run time.
func (e *Emulator) SetBehaviour(b Behaviour) error {
	if err := checkBehaviour(b); err != nil {
		return err
	}
	e.cfgMu.Lock()
	e.behaviour = b
	e.cfgMu.Unlock()
	return nil
}

// CurrentBehaviour returns the readings in force, with defaults filled in.
func (e *Emulator) CurrentBehaviour() Behaviour {
	e.cfgMu.Lock()
	b := e.behaviour
	e.cfgMu.Unlock()
	if b.PastEndPage == "" {
		b.PastEndPage = PastEndEmpty
	}
	if b.TotalCounts == "" {
		b.TotalCounts = TotalItems
	}
	return b
}
