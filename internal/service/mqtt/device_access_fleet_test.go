package mqtt_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// Fleet-scale behaviour of apsaramq_mqtt_device_access: list pages, the API
// budget, partial failures and a fault campaign.

func fleetOf(n int, status string) map[string]string {
	out := map[string]string{}
	for i := range n {
		out[fmt.Sprintf("p%04d", i)] = status
	}
	return out
}

// Refresh reads N certificates with floor(N/100)+1 list calls (the page past
// a multiple of 100 shows the end) and no GetDeviceCertificate; apply adds
// one status call per certificate whose status differs. The plan of a create
// under default deny lists the CA too (one GetCaCertificate more when it is
// empty), and so does the engine's final plan at apply.
func TestAccDeviceAccess_pagination(t *testing.T) {
	for _, tc := range []struct {
		n       int
		listAll bool
	}{{0, false}, {100, false}, {101, true}, {250, true}} {
		t.Run(strconv.Itoa(tc.n), func(t *testing.T) {
			srv := acctest.StartEmulator(t, emulator.Options{})
			registerPlainCA(t, srv.Emulator, "ca01")
			seed(t, srv.Emulator, "ca01", fleetOf(tc.n, "active"))
			devices := map[string]string{}
			if tc.listAll {
				devices = fleetOf(tc.n, "inactive")
			}
			cfg := accessConfig(acctest.ProviderBlock(srv, ""), "ca01", devices, `unlisted_devices = "inactive"`)
			pages := int64(tc.n/100 + 1)
			unlisted := int64(tc.n)
			if tc.listAll {
				unlisted = 0
			}
			emptyCheck := int64(0) // an empty list does not tell whether the CA exists
			if tc.n == 0 {
				emptyCheck = 1
			}
			resource.ParallelTest(t, acctest.TestCase(t,
				resource.TestStep{
					PreConfig: srv.ResetCounters,
					Config:    cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						callsCheck{srv.Emulator, map[string]int64{"ListDeviceCertificateByCaSn": pages, "GetCaCertificate": emptyCheck}},
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 2 * pages, "GetCaCertificate": emptyCheck,
							"InactivateDeviceCertificate": int64(tc.n)}),
						apiCheck(srv.Emulator, "ca01", fleetOf(tc.n, "inactive")),
					),
					ConfigStateChecks: counts(int64(tc.n), 0, int64(tc.n), unlisted),
				},
				resource.TestStep{
					// A plan with nothing to change: list pages only.
					PreConfig: srv.ResetCounters,
					Config:    cfg,
					PlanOnly:  true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
						callsCheck{srv.Emulator, map[string]int64{"ListDeviceCertificateByCaSn": pages}},
					}},
				},
			))
		})
	}
}

// A service that answers the page past the end with an error instead of an
// empty page, and whose Total counts pages (the emulator's switches for the
// two readings the reference leaves open): refresh and apply still end the
// list there.
func TestAccDeviceAccess_pagePastTheEndIsAnError(t *testing.T) {
	const n = 200
	srv := acctest.StartEmulator(t, emulator.Options{Behaviour: emulator.Behaviour{
		PastEndPage: emulator.PastEndError, TotalCounts: emulator.TotalPages,
	}})
	seed(t, srv.Emulator, "ca01", fleetOf(n, "active"))
	cfg := accessConfig(acctest.ProviderBlock(srv, ""), "ca01", map[string]string{"p0000": "active"}, `unlisted_devices = "inactive"`)
	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{
			Config: cfg,
			// Two full pages, and the page past the end that the emulator
			// answers with the error (counted before CheckCalls resets), for
			// each of the three lists: the plan of the create, the engine's
			// final plan at apply, and the create.
			Check: resource.ComposeTestCheckFunc(
				func(*terraform.State) error {
					if got := srv.Errors()[emulator.CodeFindDeviceBySnError]; got != 3 {
						return fmt.Errorf("%d past-the-end error answers, want 3", got)
					}
					return nil
				},
				acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 9, "InactivateDeviceCertificate": n - 1}),
			),
			ConfigStateChecks: counts(n, 1, n-1, n-1),
		},
	))
}

// A status change the API refuses fails alone: the apply makes every other
// change and names the refused serial numbers with code and message. Create
// saves no state and the next apply adopts what the API holds; update saves
// what the API holds. Each next apply finishes the rest.
func TestAccDeviceAccess_partialFailure(t *testing.T) {
	rs := startRefusingServer(t)
	fleet := map[string]string{"d01": "active", "d02": "active", "d03": "active", "d04": "active", "d05": "active", "d06": "active"}
	seed(t, rs.Emulator, "ca01", fleet)
	allInactive := map[string]string{}
	for sn := range fleet {
		allInactive[sn] = "inactive"
	}
	someActive := map[string]string{"d01": "inactive", "d02": "inactive", "d03": "active", "d04": "active", "d05": "inactive", "d06": "inactive"}
	provider := rs.providerBlock()
	counters := &emulator.Server{Emulator: rs.Emulator}

	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{
			PreConfig: func() { rs.setRefused("d02", "d05") },
			Config:    accessConfig(provider, "ca01", allInactive, ""),
			ExpectError: wrapTolerant(`Device Access Partly Applied.*2 of 6 status change\(s\) for CA ca01 on instance post-cn-demo0001 failed; ` +
				`every other change was made.*InactivateDeviceCertificate failed.*Code: Forbidden.RAM.*Request ID: 0A5C7E2B-1111-4222-8333-444455556666` +
				`.*Certificates \(2\): d02, d05.*Nothing was saved to state`),
		},
		resource.TestStep{
			PreConfig: func() {
				if err := checkAPI(rs.Emulator, "ca01", map[string]string{"d01": "inactive", "d02": "active", "d03": "inactive", "d05": "active"}); err != nil {
					t.Errorf("after the failed create: %v", err)
				}
				rs.setRefused()
				rs.ResetCounters()
			},
			Config: accessConfig(provider, "ca01", allInactive, ""),
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(counters, map[string]int64{"ListDeviceCertificateByCaSn": 1, "InactivateDeviceCertificate": 2}),
				checkStateMatchesAPI(rs.Emulator, "ca01"),
			),
		},
		resource.TestStep{
			PreConfig:   func() { rs.setRefused("d03") },
			Config:      accessConfig(provider, "ca01", someActive, ""),
			ExpectError: wrapTolerant(`1 of 2 status change\(s\).*ActiveDeviceCertificate failed.*Certificates \(1\): d03.*State records what the API now holds`),
		},
		resource.TestStep{
			// The saved state (before refresh) is what the API holds.
			PreConfig: func() {
				rs.setRefused()
				rs.ResetCounters()
			},
			Config:             accessConfig(provider, "ca01", someActive, ""),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				expectChange{"devices", "d03", "inactive", "active"},
				expectChange{"devices", "d04", "active", "active"},
			}},
		},
		resource.TestStep{
			PreConfig: rs.ResetCounters,
			Config:    accessConfig(provider, "ca01", someActive, ""),
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(counters, map[string]int64{"ListDeviceCertificateByCaSn": 2, "ActiveDeviceCertificate": 1}),
				checkStateMatchesAPI(rs.Emulator, "ca01"),
			),
		},
	))
}

// 200 certificates under 20% transient faults of every kind and throttling:
// the apply converges without a user-visible error, state equals what the
// API holds, and destroy inactivates the whole CA.
func TestAccDeviceAccess_faultCampaign(t *testing.T) {
	const n = 200
	fs := startFaultServer(t, campaignConditions(20261127))
	devices, want := map[string]string{}, map[string]string{}
	for i := range n {
		sn := fmt.Sprintf("f%03d", i)
		status := "active"
		if i%8 == 0 {
			status = "inactive"
		}
		seed(t, fs.Emulator, "ca01", map[string]string{sn: status})
		switch i % 4 {
		case 0:
			devices[sn], want[sn] = "active", "active"
		case 2:
			devices[sn], want[sn] = "inactive", "inactive"
		default:
			want[sn] = "inactive" // unlisted, default deny
		}
	}
	cfg := accessConfig(fs.providerBlock("client_read_timeout = 2000"), "ca01", devices, `unlisted_devices = "inactive"`)
	var started time.Time // set with the step: ParallelTest first waits for the sequential tests
	tc := acctest.TestCase(t, resource.TestStep{
		PreConfig: func() { started = time.Now() },
		Config:    cfg,
		Check: resource.ComposeAggregateTestCheckFunc(
			apiCheck(fs.Emulator, "ca01", want),
			checkStateMatchesAPI(fs.Emulator, "ca01"),
		),
	})
	tc.CheckDestroy = apiCheck(fs.Emulator, "ca01", fleetOfSerials(want, "inactive"))
	resource.ParallelTest(t, tc)

	errs := fs.Errors()
	t.Logf("device access fault campaign (%s): %d calls %s; errors %s; stalls abandoned %d",
		time.Since(started).Round(time.Second), sum(fs.Calls()), acctest.FormatCalls(fs.Calls()), acctest.FormatCalls(errs), fs.abandoned.Load())
	if errs["InternalError"] == 0 || errs["ServiceUnavailable"] == 0 || errs["reset"] == 0 || fs.abandoned.Load() == 0 {
		t.Errorf("not every fault kind was injected (%s, stalls abandoned %d): the campaign proves less than it claims", acctest.FormatCalls(errs), fs.abandoned.Load())
	}
	if errs[emulator.CodeSystemOverFlow] == 0 {
		t.Errorf("no throttling answer was sent: the campaign proves less than it claims")
	}
}

func fleetOfSerials(m map[string]string, status string) map[string]string {
	out := map[string]string{}
	for sn := range m {
		out[sn] = status
	}
	return out
}
