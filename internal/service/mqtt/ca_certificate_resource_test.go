package mqtt_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

const caAddr = "apsaramq_mqtt_ca_certificate.test"

func caConfig(srv *emulator.Server, name, caPEM, verPEM, extra string) string {
	return acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
resource "apsaramq_mqtt_ca_certificate" "test" {
  instance_id                  = %q
  name                         = %s
  ca_certificate_pem           = %s
  verification_certificate_pem = %s
  %s
}
`, emulator.DemoInstanceID, acctest.HCLString(name), acctest.HCLString(caPEM), acctest.HCLString(verPEM), extra)
}

func TestAccCACertificate_lifecycle(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	code := acctest.RegisterCode(t, srv, emulator.DemoInstanceID)
	ca := acctest.NewCA(t, "fleet CA")
	ver := acctest.Issue(t, ca, code, true)
	reissued := acctest.Issue(t, ca, "next-registration-code", true)
	sn, id := ca.Sn(), emulator.DemoInstanceID+":"+ca.Sn()
	cfg := func(extra string) string {
		return caConfig(srv, "fleet-ca", string(ca.CertPEM), string(ver.CertPEM), extra)
	}

	tc := acctest.TestCase(t,
		resource.TestStep{
			PreConfig: srv.ResetCounters,
			Config:    cfg(""),
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(srv, map[string]int64{"RegisterCaCertificate": 1, "GetCaCertificate": 1}),
				acctest.CheckEmulatorCA(srv, emulator.DemoInstanceID, sn, "1"),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(caAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
				statecheck.ExpectKnownValue(caAddr, tfjsonpath.New("sn"), knownvalue.StringExact(sn)),
				statecheck.ExpectKnownValue(caAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				statecheck.ExpectKnownValue(caAddr, tfjsonpath.New("registration_code"), knownvalue.StringExact(code)),
				statecheck.ExpectKnownValue(caAddr, tfjsonpath.New("region"), knownvalue.StringExact(emulator.DemoRegion)),
				statecheck.ExpectKnownValue(caAddr, tfjsonpath.New("valid_until"),
					knownvalue.StringExact(ca.Cert.NotAfter.UTC().Format(time.RFC3339))),
				statecheck.ExpectKnownValue(caAddr, tfjsonpath.New("verification_certificate_pem"), knownvalue.StringExact(string(ver.CertPEM))),
			},
		},
		resource.TestStep{
			// Status changes in place with one call.
			PreConfig: srv.ResetCounters,
			Config:    cfg(`status = "inactive"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(caAddr, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckEmulatorCA(srv, emulator.DemoInstanceID, sn, "0"),
				func(*terraform.State) error {
					calls := srv.Calls()
					if calls["InactivateCaCertificate"] != 1 || calls["RegisterCaCertificate"]+calls["DeleteCaCertificate"] != 0 {
						return fmt.Errorf("update calls: %s", acctest.FormatCalls(calls))
					}
					return nil
				},
			),
		},
		resource.TestStep{
			ResourceName:            caAddr,
			ImportState:             true,
			ImportStateId:           id,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"timeouts"},
		},
		resource.TestStep{
			ResourceName:      caAddr,
			ImportState:       true,
			ImportStateId:     id + "@" + emulator.DemoRegion,
			ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"},
		},
		resource.TestStep{
			ResourceName:  caAddr,
			ImportState:   true,
			ImportStateId: emulator.DemoInstanceID + "/" + sn,
			ExpectError:   regexp.MustCompile(`(?s)Unexpected Import Identifier.*instance_id:sn`),
		},
		resource.TestStep{
			// A re-issued verification certificate (the code rotates after
			// registration) is recorded in place, with no API call.
			PreConfig: srv.ResetCounters,
			Config:    caConfig(srv, "fleet-ca", string(ca.CertPEM), string(reissued.CertPEM), `status = "inactive"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(caAddr, plancheck.ResourceActionUpdate)},
			},
			Check: func(*terraform.State) error {
				calls := srv.Calls()
				if calls["RegisterCaCertificate"]+calls["DeleteCaCertificate"]+calls["ActiveCaCertificate"]+calls["InactivateCaCertificate"] != 0 {
					return fmt.Errorf("a verification certificate change made calls: %s", acctest.FormatCalls(calls))
				}
				return acctest.CheckEmulatorCA(srv, emulator.DemoInstanceID, sn, "0")(nil)
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(caAddr, tfjsonpath.New("verification_certificate_pem"), knownvalue.StringExact(string(reissued.CertPEM))),
				statecheck.ExpectKnownValue(caAddr, tfjsonpath.New("sn"), knownvalue.StringExact(sn)),
			},
		},
		resource.TestStep{
			// Renaming is impossible in the API: it replaces.
			Config: caConfig(srv, "renamed", string(ca.CertPEM), string(ver.CertPEM), `status = "inactive"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(caAddr, plancheck.ResourceActionDestroyBeforeCreate)},
			},
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
	)
	tc.CheckDestroy = acctest.CheckEmulatorCA(srv, emulator.DemoInstanceID, sn, "")
	resource.ParallelTest(t, tc)
}

func TestAccCACertificate_createInactiveAndImportByIdentity(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	code := acctest.RegisterCode(t, srv, emulator.DemoInstanceID)
	ca := acctest.NewCA(t, "identity CA")
	ver := acctest.Issue(t, ca, code, true)
	cfg := caConfig(srv, "identity-ca", string(ca.CertPEM), string(ver.CertPEM), `status = "inactive"`)

	resource.ParallelTest(t, acctest.ImportByIdentityTestCase(t, caAddr, cfg, map[string]knownvalue.Check{
		"instance_id": knownvalue.StringExact(emulator.DemoInstanceID),
		"sn":          knownvalue.StringExact(ca.Sn()),
		"region":      knownvalue.StringExact(emulator.DemoRegion),
	}, acctest.CheckEmulatorCA(srv, emulator.DemoInstanceID, ca.Sn(), "0")))
}

// A CA deregistered outside Terraform is planned for registration again.
func TestAccCACertificate_outOfBandDeletionIsReplanned(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	code := acctest.RegisterCode(t, srv, emulator.DemoInstanceID)
	ca := acctest.NewCA(t, "gone CA")
	ver := acctest.Issue(t, ca, code, true)
	cfg := caConfig(srv, "gone", string(ca.CertPEM), string(ver.CertPEM), "")

	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{Config: cfg},
		acctest.PlanAfterChange(cfg, func() { acctest.DeleteCA(t, srv, emulator.DemoInstanceID, ca.Sn()) },
			plancheck.ExpectResourceAction(caAddr, plancheck.ResourceActionCreate)),
		resource.TestStep{
			// The code was used: registering again says what to do.
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Unable to Register CA Certificate.*RegisterCodeUsed.*fetch\s+the\s+current\s+code`),
		},
	))
}

// Every documented registration error reaches the user with what to do.
func TestAccCACertificate_registrationErrors(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{MaxCAsPerInstance: 2})
	code := acctest.RegisterCode(t, srv, emulator.DemoInstanceID)
	demoCA, err := emulator.DemoCA()
	if err != nil {
		t.Fatal(err)
	}
	fresh := acctest.NewCA(t, "fresh CA")

	cases := []struct {
		name        string
		ca          *emulator.TestCA
		verCN, want string
	}{
		{"wrong code", fresh, "not-the-code", `(?s)RegisterCodeError.*Request ID: [0-9A-F-]+.*apsaramq_mqtt_register_code`},
		{"serial already registered", demoCA, code, `(?s)SnNotUnique.*one\s+instance\s+per\s+region`},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			resource.Test(t, acctest.TestCase(t, resource.TestStep{
				Config:      caConfig(srv, "bad", string(tc.ca.CertPEM), string(acctest.Issue(t, tc.ca, tc.verCN, true).CertPEM), ""),
				ExpectError: regexp.MustCompile(tc.want),
			}))
		})
	}

	// Fill the instance (2 CAs), then one more is refused.
	acctest.RegisterCA(t, srv, emulator.DemoInstanceID, acctest.NewCA(t, "second CA"))
	t.Run("CA limit", func(t *testing.T) {
		resource.Test(t, acctest.TestCase(t, resource.TestStep{
			Config: caConfig(srv, "third", string(fresh.CertPEM),
				string(acctest.Issue(t, fresh, acctest.RegisterCode(t, srv, emulator.DemoInstanceID), true).CertPEM), ""),
			ExpectError: regexp.MustCompile(`(?s)CaNumExceed.*delete\s+an\s+unused\s+CA`),
		}))
	})
}

// PEM problems are found at plan time, pointing at the attribute, and no
// API call is made.
func TestAccCACertificate_invalidPEMsMakeNoAPICall(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	ca := acctest.NewCA(t, "plan CA")
	other := acctest.NewCA(t, "other CA")
	leaf := acctest.Issue(t, ca, "a-device", false)
	good := string(acctest.Issue(t, ca, "some-code", true).CertPEM)

	cases := []struct {
		name, caPEM, verPEM, want string
	}{
		{"ca not PEM", "hello", good, `(?s)Invalid Certificate PEM.*ca_certificate_pem\s+is\s+not\s+PEM`},
		{"ca is a private key", string(ca.KeyPEM), good, `(?s)ca_certificate_pem\s+holds\s+a\s+EC\s+PRIVATE\s+KEY.*Never\s+put\s+private\s+keys`},
		{"ca is a chain", string(ca.CertPEM) + string(other.CertPEM), good, `(?s)more\s+than\s+one\s+PEM\s+block`},
		{"ca is not a CA", string(leaf.CertPEM), good, `(?s)Invalid CA Certificate.*BasicConstraints.*CA=true`},
		{"ca garbage inside PEM", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", good, `(?s)cannot\s+be\s+parsed`},
		{"verification not PEM", string(ca.CertPEM), "nope", `(?s)verification_certificate_pem\s+is\s+not\s+PEM`},
		{"verification signed by another CA", string(ca.CertPEM), string(acctest.Issue(t, other, "code", true).CertPEM),
			`(?s)Invalid Verification Certificate.*not\s+signed\s+by\s+the\s+CA`},
		{"verification without CN", string(ca.CertPEM), string(acctest.Issue(t, ca, "", true).CertPEM), `(?s)empty\s+subject\s+common\s+name`},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			resource.Test(t, acctest.TestCase(t, resource.TestStep{
				Config:      caConfig(srv, "plan", tc.caPEM, tc.verPEM, ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(tc.want),
			}))
		})
	}
	// A PEM known only after apply is checked then, not refused at plan.
	t.Run("unknown_at_plan", func(t *testing.T) {
		resource.Test(t, acctest.TestCase(t, resource.TestStep{
			Config: acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
resource "terraform_data" "pem" {
  input = %s
}

resource "apsaramq_mqtt_ca_certificate" "test" {
  instance_id                  = %q
  name                         = "later"
  ca_certificate_pem           = terraform_data.pem.output
  verification_certificate_pem = terraform_data.pem.output
}
`, acctest.HCLString("not a pem"), emulator.DemoInstanceID),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}))
	})
	if err := acctest.CheckNoAPICalls(srv); err != nil {
		t.Error(err)
	}
}

// One CA serves a production instance in one region and a development
// instance in another (a CA may be registered once per region); a second
// instance in the same region is refused with what to do.
func TestAccCACertificate_oneCAInTwoRegions(t *testing.T) {
	const sameRegionInstance = "post-cn-demo0002"
	seed := onsmqtttest.FleetSeed()
	seed.Instances = append(seed.Instances, emulator.Instance{ID: sameRegionInstance, AccountID: emulator.DemoAccountID, Region: emulator.DemoRegion})
	srv := acctest.StartEmulatorWithSeed(t, seed, emulator.Options{})
	ca := acctest.NewCA(t, "shared CA")
	verification := func(instanceID, region string) string {
		c := onsmqtttest.Client(t, srv.URL, func(cfg *onsmqtt.Config) { cfg.Region = region })
		code, err := c.GetRegisterCode(context.Background(), instanceID)
		if err != nil {
			t.Fatal(err)
		}
		return string(acctest.Issue(t, ca, code, true).CertPEM)
	}
	block := func(name, instanceID, region, verPEM string) string {
		return fmt.Sprintf(`
resource "apsaramq_mqtt_ca_certificate" %q {
  instance_id                  = %q
  region                       = %q
  name                         = "shared-ca"
  ca_certificate_pem           = %s
  verification_certificate_pem = %s
}

data "apsaramq_mqtt_ca_certificates" %q {
  instance_id = %q
  region      = %q
  name_regex  = "^shared-ca$"
  depends_on  = [apsaramq_mqtt_ca_certificate.%s]
}
`, name, instanceID, region, acctest.HCLString(string(ca.CertPEM)), acctest.HCLString(verPEM), name, instanceID, region, name)
	}
	twoRegions := acctest.ProviderBlock(srv, "") +
		block("prod", emulator.DemoInstanceID, emulator.DemoRegion, verification(emulator.DemoInstanceID, emulator.DemoRegion)) +
		block("dev", onsmqtttest.SecondInstanceID, onsmqtttest.SecondRegion, verification(onsmqtttest.SecondInstanceID, onsmqtttest.SecondRegion))

	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{
			Config: twoRegions,
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckEmulatorCA(srv, emulator.DemoInstanceID, ca.Sn(), "1"),
				acctest.CheckEmulatorCA(srv, onsmqtttest.SecondInstanceID, ca.Sn(), "1"),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("apsaramq_mqtt_ca_certificate.prod", tfjsonpath.New("sn"), knownvalue.StringExact(ca.Sn())),
				statecheck.ExpectKnownValue("apsaramq_mqtt_ca_certificate.dev", tfjsonpath.New("sn"), knownvalue.StringExact(ca.Sn())),
				statecheck.ExpectKnownValue("apsaramq_mqtt_ca_certificate.dev", tfjsonpath.New("region"), knownvalue.StringExact(onsmqtttest.SecondRegion)),
				statecheck.ExpectKnownValue("data.apsaramq_mqtt_ca_certificates.prod", tfjsonpath.New("ids"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(emulator.DemoInstanceID + ":" + ca.Sn())})),
				statecheck.ExpectKnownValue("data.apsaramq_mqtt_ca_certificates.dev", tfjsonpath.New("ids"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(onsmqtttest.SecondInstanceID + ":" + ca.Sn())})),
			},
		},
		resource.TestStep{
			Config:      twoRegions + block("second_in_region", sameRegionInstance, emulator.DemoRegion, verification(sameRegionInstance, emulator.DemoRegion)),
			ExpectError: wrapTolerant(`Code: SnNotUnique .* one instance per region`),
		},
	))
}
