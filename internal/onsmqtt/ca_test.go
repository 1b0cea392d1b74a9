package onsmqtt_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

func TestCACertificateLifecycle(t *testing.T) {
	_, url := fleetEmulator(t, nil)
	c := fleetClient(t, url, 0)
	ctx := context.Background()

	code, err := c.GetRegisterCode(ctx, emulator.DemoInstanceID)
	if err != nil {
		t.Fatal(err)
	}
	ca, verPEM := newCA(t, code)
	sn, err := c.RegisterCACertificate(ctx, onsmqtt.RegisterCAInput{
		InstanceID: emulator.DemoInstanceID, Name: "fleet-ca", CAPEM: string(ca.CertPEM), VerificationPEM: verPEM,
	})
	if err != nil {
		t.Fatal(err)
	}
	if sn != ca.Sn() {
		t.Fatalf("Sn = %q, want %q", sn, ca.Sn())
	}
	key := onsmqtt.CAKey{InstanceID: emulator.DemoInstanceID, Sn: sn}
	got, err := c.GetCACertificate(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "fleet-ca" || got.Status != onsmqtt.StatusActive || got.RegistrationCode != code ||
		got.Content != string(ca.CertPEM) || got.VerificationContent != verPEM ||
		!got.ValidEnd.Equal(ca.Cert.NotAfter) || !got.ValidBegin.Equal(ca.Cert.NotBefore) {
		t.Fatalf("GetCaCertificate = %+v", got)
	}

	if err := c.SetCACertificateStatus(ctx, key, onsmqtt.StatusInactive); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.GetCACertificate(ctx, key); got.Status != onsmqtt.StatusInactive {
		t.Fatalf("status after inactivation = %q", got.Status)
	}
	all, err := c.ListCACertificates(ctx, emulator.DemoInstanceID)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]onsmqtt.Status{}
	for _, x := range all {
		found[x.Sn] = x.Status
	}
	if len(all) != 2 || found[sn] != onsmqtt.StatusInactive || found[emulator.DemoCASn] != onsmqtt.StatusActive {
		t.Fatalf("ListCaCertificates = %v", found)
	}

	if err := c.DeleteCACertificate(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCACertificate(ctx, key); !onsmqtt.IsNotFound(err) {
		t.Fatalf("GetCaCertificate after delete: want not found, got %v", err)
	}
	if err := c.DeleteCACertificate(ctx, key); !onsmqtt.IsNotFound(err) {
		t.Fatalf("second delete: want not found, got %v", err)
	}

	// The code was consumed: registering again with it names the problem.
	ca2, ver2 := newCA(t, code)
	_, err = c.RegisterCACertificate(ctx, onsmqtt.RegisterCAInput{InstanceID: emulator.DemoInstanceID, Name: "again", CAPEM: string(ca2.CertPEM), VerificationPEM: ver2})
	var apiErr *onsmqtt.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "RegisterCodeUsed" || apiErr.Attempts > 1 {
		t.Fatalf("want RegisterCodeUsed after one attempt, got %v", err)
	}
}

// A registration whose answer is lost is retried; the retry fails with
// RegisterCodeUsed, and the client recognises its own CA instead of
// leaving an orphan registration.
func TestRegisterCAAdoptsARegistrationWhoseAnswerWasLost(t *testing.T) {
	var dropped atomic.Int32
	_, url := fleetEmulator(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("Action") == "RegisterCaCertificate" && dropped.CompareAndSwap(0, 1) {
				next.ServeHTTP(discard{}, r) // the service registers the CA...
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					_ = conn.Close() // ...and the answer never arrives
				}
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	c := fleetClient(t, url, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code, err := c.GetRegisterCode(ctx, emulator.DemoInstanceID)
	if err != nil {
		t.Fatal(err)
	}
	ca, verPEM := newCA(t, code)
	sn, err := c.RegisterCACertificate(ctx, onsmqtt.RegisterCAInput{
		InstanceID: emulator.DemoInstanceID, Name: "lost", CAPEM: string(ca.CertPEM), VerificationPEM: verPEM,
	})
	if dropped.Load() != 1 {
		t.Fatal("no answer was dropped; the test proves nothing")
	}
	if err != nil {
		t.Fatalf("want the registration adopted, got %v", err)
	}
	if sn != ca.Sn() {
		t.Fatalf("Sn = %q, want %q", sn, ca.Sn())
	}
}

// The adoption is limited to retried calls: a CA someone registered earlier
// is an error, not silently taken over.
func TestRegisterCADoesNotAdoptAnEarlierRegistration(t *testing.T) {
	_, url := fleetEmulator(t, nil)
	c := fleetClient(t, url, 0)
	ctx := context.Background()
	code, _ := c.GetRegisterCode(ctx, emulator.DemoInstanceID)
	ca, verPEM := newCA(t, code)
	in := onsmqtt.RegisterCAInput{InstanceID: emulator.DemoInstanceID, Name: "first", CAPEM: string(ca.CertPEM), VerificationPEM: verPEM}
	if _, err := c.RegisterCACertificate(ctx, in); err != nil {
		t.Fatal(err)
	}
	code2, _ := c.GetRegisterCode(ctx, emulator.DemoInstanceID)
	ver2, err := ca.IssueVerification(code2)
	if err != nil {
		t.Fatal(err)
	}
	in.VerificationPEM = string(ver2.CertPEM)
	_, err = c.RegisterCACertificate(ctx, in)
	var apiErr *onsmqtt.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "SnNotUnique" {
		t.Fatalf("want SnNotUnique, got %v", err)
	}
}

type discard struct{ h http.Header }

func (d discard) Header() http.Header {
	if d.h == nil {
		return http.Header{}
	}
	return d.h
}
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
