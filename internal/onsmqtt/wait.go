package onsmqtt

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// WaitPolicy spaces the checks made while waiting for a device to register.
type WaitPolicy struct {
	InitialInterval time.Duration
	MaxInterval     time.Duration
}

// DefaultWaitPolicy checks after 1s, then backs off to one check every 15s
// (±30% jitter, so a fleet of waiting resources does not poll in lockstep).
func DefaultWaitPolicy() WaitPolicy {
	return WaitPolicy{InitialInterval: time.Second, MaxInterval: 15 * time.Second}
}

// RegistrationTimeoutError says the device never connected while waiting.
type RegistrationTimeoutError struct {
	Key    DeviceKey
	Checks int
	Waited time.Duration
	Last   error // the last not-found answer
}

func (e *RegistrationTimeoutError) Error() string {
	return fmt.Sprintf("device certificate %s (instance %s, CA %s) was still not registered after waiting %s (%d checks): the device never connected",
		e.Key.DeviceSn, e.Key.InstanceID, e.Key.CASn, e.Waited.Round(time.Second), e.Checks)
}

func (e *RegistrationTimeoutError) Unwrap() error { return e.Last }

// WaitForDeviceCertificate reads the device certificate, and while the API
// answers not-found keeps checking with capped exponential backoff until the
// broker registers it (the device's first connection) or ctx ends: its
// deadline gives a *RegistrationTimeoutError, a cancellation a
// *CanceledError. Any other failure ends the wait.
func (c *Client) WaitForDeviceCertificate(ctx context.Context, key DeviceKey, p WaitPolicy) (DeviceCertificate, error) {
	def := DefaultWaitPolicy()
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = orDefault(p.InitialInterval, def.InitialInterval)
	b.MaxInterval = orDefault(p.MaxInterval, def.MaxInterval)
	b.Multiplier = 2
	b.RandomizationFactor = 0.3

	started, checks := time.Now(), 0
	var last error
	cert, err := backoff.Retry(ctx, func() (DeviceCertificate, error) {
		checks++
		cert, err := c.GetDeviceCertificate(ctx, key)
		switch {
		case err == nil:
			return cert, nil
		case ctx.Err() != nil:
			return DeviceCertificate{}, backoff.Permanent(err)
		case IsNotFound(err):
			last = err
			return DeviceCertificate{}, err
		default:
			return DeviceCertificate{}, backoff.Permanent(err)
		}
	},
		backoff.WithBackOff(b),
		backoff.WithMaxElapsedTime(0), // ctx (the create timeout) is the bound
		backoff.WithNotify(func(_ error, next time.Duration) {
			c.log.Debug(ctx, "device certificate not registered yet; waiting for the device to connect", map[string]any{
				"device_sn": key.DeviceSn, "ca_sn": key.CASn, "check": checks, "next_check_in_ms": next.Milliseconds(),
			})
		}),
	)
	if err == nil {
		return cert, nil
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return DeviceCertificate{}, &CanceledError{Action: "GetDeviceCertificate", Attempts: checks, Last: last, Cause: context.Cause(ctx)}
	}
	if ctx.Err() != nil {
		return DeviceCertificate{}, &RegistrationTimeoutError{Key: key, Checks: checks, Waited: time.Since(started), Last: last}
	}
	return DeviceCertificate{}, err
}
