package onsmqtt_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// These tests point the real client, with the provider's default retry
// policy and a resource's default 5-minute operation timeout, at endpoints
// that are wrong in one way each, and check that the call ends at once (or,
// for a refused port, after the refusal budget) with the endpoint and the
// fix in the message.

const operationTimeout = 5 * time.Minute // a resource's default create timeout

// failFastBound is how long a call that fails at once may take: far below
// operationTimeout, which is what retrying a wrong endpoint would cost, and
// far above what a busy machine adds to one attempt (milliseconds here,
// logged). That no attempt is repeated is checked exactly.
const failFastBound = 30 * time.Second

type failedCall struct {
	err      error
	attempts int             // as the client logged them
	waits    []time.Duration // the waits before retries, as the client announced them
	elapsed  time.Duration
}

func callEndpoint(t *testing.T, raw string) failedCall {
	t.Helper()
	ep, err := onsmqtt.ParseEndpoint(raw)
	if err != nil {
		t.Fatalf("ParseEndpoint(%q): %v", raw, err)
	}
	log := &recordingLogger{}
	c, err := onsmqtt.New(onsmqtt.Config{
		Region:      emulator.DemoRegion,
		Endpoint:    ep,
		Credentials: onsmqtt.Credentials{AccessKeyID: emulator.DemoAccessKeyID, AccessKeySecret: emulator.DemoAccessKeySecret},
		Logger:      log,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), operationTimeout)
	defer cancel()
	started := time.Now()
	_, err = c.GetDeviceCertificate(ctx, key("d1"))
	call := failedCall{err: err, elapsed: time.Since(started)}
	if err == nil {
		t.Fatalf("%s: the call succeeded", raw)
	}
	for _, line := range log.lines {
		switch line["msg"] {
		case "OnsMqtt call failed":
			call.attempts++
		case "OnsMqtt call will be retried":
			call.waits = append(call.waits, time.Duration(line["retry_in_ms"].(int64)*int64(time.Millisecond)))
		}
	}
	return call
}

// checkFailFast checks the class, the problem, one attempt, the time taken
// and that the message names the endpoint and carries every part of the fix.
func checkFailFast(t *testing.T, call failedCall, problem onsmqtt.EndpointProblem, wantInMessage ...string) {
	t.Helper()
	var endpointErr *onsmqtt.EndpointError
	if !errors.As(call.err, &endpointErr) {
		t.Fatalf("err = %v (%T), want *EndpointError", call.err, call.err)
	}
	if endpointErr.Problem != problem {
		t.Errorf("problem %d, want %d: %v", endpointErr.Problem, problem, call.err)
	}
	if got := onsmqtt.Classify(call.err); got != onsmqtt.ClassMisconfigured || got.Retryable() {
		t.Errorf("class %v, want %v (not retryable)", got, onsmqtt.ClassMisconfigured)
	}
	if call.attempts != 1 || endpointErr.Attempts != 1 {
		t.Errorf("%d attempts logged, %d recorded; want 1 (no retry)", call.attempts, endpointErr.Attempts)
	}
	if call.elapsed > failFastBound {
		t.Errorf("took %v, want well under %v", call.elapsed, failFastBound)
	}
	msg := call.err.Error()
	for _, want := range append(wantInMessage, endpointErr.Endpoint.String(), "endpoints.onsmqtt", "APSARAMQ_ONSMQTT_ENDPOINT") {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	t.Logf("%d attempt(s) in %v: %s", call.attempts, call.elapsed.Round(time.Millisecond), msg)
}

// The emulator's banner used to print 127.0.0.1:PORT, which ParseEndpoint
// takes as https://127.0.0.1:PORT.
func TestHTTPSToPlainHTTPServerFailsAtOnce(t *testing.T) {
	srv := startEmulator(t, emulator.Options{}, device("d1", "1"))
	for _, raw := range []string{srv.Endpoint, "https://" + srv.Endpoint} {
		t.Run(raw, func(t *testing.T) {
			call := callEndpoint(t, raw)
			checkFailFast(t, call, onsmqtt.EndpointPlainHTTP, "speaks plain HTTP", "use "+srv.URL, "check the port")
		})
	}
	if n := srv.Calls()["GetDeviceCertificate"]; n != 0 {
		t.Errorf("the emulator served %d calls over TLS?", n)
	}
}

// Go's TLS server answers a plain-HTTP request with a 400 and closes; with a
// signed request longer than what it reads first, the client sees a reset.
func TestPlainHTTPToTLSServerFailsAtOnce(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsSrv.Close)
	call := callEndpoint(t, "http://"+tlsSrv.Listener.Addr().String())
	checkFailFast(t, call, onsmqtt.EndpointSpeaksTLS, "speaks HTTPS", "Use https://"+tlsSrv.Listener.Addr().String())
}

// Other TLS servers (nginx among them) read the whole plain-HTTP request and
// answer a bare 400, with no API error code.
func TestPlainHTTPToTLSPortAnsweringBare400FailsAtOnce(t *testing.T) {
	addr := startTLSPortAnswering400(t)
	call := callEndpoint(t, "http://"+addr)
	checkFailFast(t, call, onsmqtt.EndpointSpeaksTLS, "speaks HTTPS", "Use https://"+addr)
	var apiErr *onsmqtt.APIError
	if !errors.As(call.err, &apiErr) || apiErr.HTTPStatus != http.StatusBadRequest {
		t.Errorf("the 400 answer is not kept as the cause: %v", call.err)
	}
}

func TestUntrustedCertificateFailsAtOnce(t *testing.T) {
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsSrv.Close)
	call := callEndpoint(t, tlsSrv.URL)
	checkFailFast(t, call, onsmqtt.EndpointUntrusted, "signed by an authority this machine does not trust", "corporate proxy", "SSL_CERT_FILE")
}

func TestUnknownHostFailsAtOnce(t *testing.T) {
	const host = "onsmqtt.nowhere.invalid"
	call := callEndpoint(t, "https://"+host)
	checkFailFast(t, call, onsmqtt.EndpointUnknownHost, "the host "+host+" of the endpoint", "does not exist", "Check the host")
}

// A refused port is retried for the refusal budget only (8 s by default),
// not for the operation's 5 minutes. The budget is measured from the first
// refusal, so the call cannot end before it; the waits between attempts are
// cut so that the last attempt lands at its end, so the waits the client
// announced add up to the budget at most, however slow the attempts were.
// With the default policy the attempts are 6-8 when each takes no time;
// fewer than 3 would take attempts that use up 7 of the 8 seconds.
func TestRefusedConnectionFailsAfterTheRefusalBudget(t *testing.T) {
	addr, _ := onsmqtttest.ClosedPort(t)
	call := callEndpoint(t, "http://"+addr)
	var endpointErr *onsmqtt.EndpointError
	if !errors.As(call.err, &endpointErr) || endpointErr.Problem != onsmqtt.EndpointNothingAnswers {
		t.Fatalf("err = %v (%T), want *EndpointError EndpointNothingAnswers", call.err, call.err)
	}
	budget := onsmqtt.DefaultRetryPolicy().RefusedBudget
	if call.elapsed < budget || endpointErr.Waited < budget || call.elapsed > budget+failFastBound {
		t.Errorf("gave up after %v (refusals for %v), want the refusal budget %v, and far less than the operation's %v",
			call.elapsed, endpointErr.Waited, budget, operationTimeout)
	}
	var waited time.Duration
	for _, w := range call.waits {
		waited += w
	}
	if waited > budget || len(call.waits) != call.attempts-1 {
		t.Errorf("announced waits %v add up to %v over %d attempts: want at most the budget %v, one wait between two attempts", call.waits, waited, call.attempts, budget)
	}
	if call.attempts < 3 || call.attempts > 12 || endpointErr.Attempts != call.attempts {
		t.Errorf("%d attempts logged, %d recorded; want a few retries (3..12)", call.attempts, endpointErr.Attempts)
	}
	msg := call.err.Error()
	for _, want := range []string{"nothing answers at http://" + addr, "connection refused", "Start the emulator", "check the port", "endpoints.onsmqtt"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	t.Logf("%d attempts in %v, waits %v (%v): %s", call.attempts, call.elapsed.Round(time.Millisecond), call.waits, waited, msg)
}

// The refusal budget lets an emulator that is still starting answer.
func TestRefusedConnectionRecoversWhenTheServerStarts(t *testing.T) {
	addr, release := onsmqtttest.ClosedPort(t)
	started := make(chan *emulator.Server, 1)
	go func() {
		time.Sleep(time.Second)
		release()
		srv, err := emulator.Start(emulator.DemoSeed(), emulator.Options{}, addr)
		if err != nil {
			t.Errorf("starting the emulator on %s: %v", addr, err)
			close(started)
			return
		}
		if err := srv.PutDevice(device("d1", "1")); err != nil {
			t.Error(err)
		}
		started <- srv
	}()
	c := fleetClient(t, "http://"+addr, 500)
	ctx, cancel := context.WithTimeout(context.Background(), operationTimeout)
	defer cancel()
	if _, err := c.GetDeviceCertificate(ctx, key("d1")); err != nil {
		t.Errorf("call while the emulator started: %v", err)
	}
	if srv, ok := <-started; ok {
		_ = srv.Close()
	}
}

// Resets on a plain-HTTP port stay transient: the TLS check finds no TLS
// there, and the operation retries until its timeout.
func TestResetsOnAPlainPortAreStillRetried(t *testing.T) {
	var resets atomic.Int64
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		resets.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		_ = conn.(*net.TCPConn).SetLinger(0)
		_ = conn.Close()
	}))
	t.Cleanup(plain.Close)
	c := fleetClient(t, plain.URL, 500)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := c.GetDeviceCertificate(ctx, key("d1"))
	var timeout *onsmqtt.TimeoutError
	if !errors.As(err, &timeout) || timeout.Attempts < 3 || onsmqtt.Classify(timeout.Last) != onsmqtt.ClassTransient {
		t.Fatalf("err = %v, want a *TimeoutError after several transient resets", err)
	}
	if !strings.Contains(timeout.Last.Error(), plain.URL) {
		t.Errorf("the transport error does not name the endpoint: %v", timeout.Last)
	}
	t.Logf("%d attempts, %d resets: %v", timeout.Attempts, resets.Load(), err)
}

// startTLSPortAnswering400 serves TLS on a port that answers a plain-HTTP
// request, read to its end, with a bare 400 as nginx does.
func startTLSPortAnswering400(t *testing.T) string {
	t.Helper()
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	ln := tlsSrv.Listener
	tlsSrv.Listener = &plainHTTPRefusingListener{Listener: ln}
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	return ln.Addr().String()
}

type plainHTTPRefusingListener struct{ net.Listener }

func (l *plainHTTPRefusingListener) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		r := bufio.NewReader(conn)
		first, err := r.Peek(1)
		if err == nil && first[0] == 0x16 { // a TLS handshake record
			return &peekedConn{Conn: conn, r: r}, nil
		}
		go func() {
			defer func() { _ = conn.Close() }()
			if _, err := http.ReadRequest(r); err != nil {
				return
			}
			_, _ = conn.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n" +
				"<html><body>400 The plain HTTP request was sent to HTTPS port</body></html>"))
		}()
	}
}

type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(b []byte) (int, error) { return c.r.Read(b) }
