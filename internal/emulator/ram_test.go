package emulator_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// mqttActions are the 13 OnsMqtt certificate operations.
var mqttActions = []string{
	"GetDeviceCertificate", "ActiveDeviceCertificate", "InactivateDeviceCertificate", "DeleteDeviceCertificate",
	"ListDeviceCertificate", "ListDeviceCertificateByCaSn", "GetRegisterCode", "RegisterCaCertificate",
	"GetCaCertificate", "ActiveCaCertificate", "InactivateCaCertificate", "DeleteCaCertificate", "ListCaCertificate",
}

// validParams returns parameters that make action succeed on the demo seed
// for an unrestricted caller (RegisterCaCertificate's content is not valid:
// only whether the RAM check lets it through matters to these tests).
func validParams(action string) map[string]string {
	switch action {
	case "GetDeviceCertificate", "ActiveDeviceCertificate", "InactivateDeviceCertificate", "DeleteDeviceCertificate":
		return demoDevice(emulator.DemoDeviceSn)
	case "ListDeviceCertificate", "ListCaCertificate":
		return listParams("", "1", "10")
	case "ListDeviceCertificateByCaSn":
		return listParams("", "1", "10", "CaSn", emulator.DemoCASn)
	case "GetRegisterCode":
		return map[string]string{"MqttInstanceId": emulator.DemoInstanceID}
	case "RegisterCaCertificate":
		return map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaName": "x", "CaContent": "x", "VerificationContent": "x"}
	}
	return map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "Sn": emulator.DemoCASn}
}

// seedWithKeys adds restricted demo-account keys (id -> actions; the
// secret is "secret-"+id).
func seedWithKeys(keys map[string][]string) emulator.Seed {
	seed := emulator.DemoSeed()
	for id, actions := range keys {
		seed.Accounts[0].AccessKeys = append(seed.Accounts[0].AccessKeys, emulator.AccessKey{ID: id, Secret: "secret-" + id, Actions: actions})
	}
	return seed
}

func restrictedClient(t *testing.T, srv *emulator.Server, id string) *client {
	return newClientWith(t, srv, credentials.NewAccessKeyCredential(id, "secret-"+id), nil)
}

func codeOrEmpty(err error) string {
	if err == nil {
		return ""
	}
	return codeOf(err)
}

// The RAM names come from each operation's "Authorization information"
// table; these spot checks are written from the reference, not the table.
func TestRAMActionTable(t *testing.T) {
	for api, want := range map[string][]string{
		"RegisterCaCertificate":       {"mq:RegisterCa", "mq:MqttInstanceAccess"},
		"InactivateDeviceCertificate": {"mq:UnregisterDeviceCertificate"},
		"InactivateCaCertificate":     {"mq:UnregisterCaCertificate", "mq:MqttInstanceAccess"},
		"GetDeviceCertificate":        {"mq:GetDeviceCertificate", "mq:MqttInstanceAccess"},
		"ListDeviceCertificateByCaSn": {"mq:ListDeviceCertificateByCaSn", "mq:MqttInstanceAccess"},
		"ActiveDeviceCertificate":     {"mq:ActiveDeviceCertificate", "mq:MqttInstanceAccess"},
		"AssumeRole":                  {"sts:AssumeRole"},
	} {
		if got := emulator.RAMActions(api); !slices.Equal(got, want) {
			t.Errorf("RAMActions(%s) = %v, want %v", api, got, want)
		}
	}
	for _, a := range mqttActions {
		got := emulator.RAMActions(a)
		if len(got) == 0 || !strings.HasPrefix(got[0], "mq:") {
			t.Errorf("RAMActions(%s) = %v", a, got)
		}
	}
	if got := emulator.RAMActions("NoSuchAction"); got != nil {
		t.Errorf("unknown action: %v", got)
	}
	emulator.RAMActions("GetDeviceCertificate")[0] = "mutated"
	if emulator.RAMActions("GetDeviceCertificate")[0] != "mq:GetDeviceCertificate" {
		t.Error("RAMActions returned the table itself")
	}
	if names := emulator.RAMActionNames(); len(names) != len(mqttActions)+1 || !slices.IsSorted(names) {
		t.Errorf("RAMActionNames = %v", names)
	}
}

// A key holding exactly an operation's RAM actions may call it; without any
// one of them it gets PermissionCheckFailed (403).
func TestRestrictedKeyNeedsEveryRAMAction(t *testing.T) {
	keys := map[string][]string{}
	for _, a := range mqttActions {
		need := emulator.RAMActions(a)
		keys["all-"+a] = need
		for i := range need {
			keys[fmt.Sprintf("minus%d-%s", i, a)] = slices.Delete(slices.Clone(need), i, i+1)
		}
		keys["other-"+a] = []string{"mq:SomethingElse", "mq:MqttInstanceAccess"}
	}
	srv := startServerSeed(t, seedWithKeys(keys), emulator.Options{})
	for _, a := range mqttActions {
		_, err := restrictedClient(t, srv, "all-"+a).call(a, validParams(a))
		if code := codeOrEmpty(err); code == "PermissionCheckFailed" {
			t.Errorf("%s with %v: PermissionCheckFailed", a, emulator.RAMActions(a))
		}
		for i := range emulator.RAMActions(a) {
			_, err := restrictedClient(t, srv, fmt.Sprintf("minus%d-%s", i, a)).call(a, validParams(a))
			se := expectCode(t, err, "PermissionCheckFailed", 403)
			if se.Message() != "Failed to verify API permissions." {
				t.Errorf("message %q", se.Message())
			}
		}
		_, err = restrictedClient(t, srv, "other-"+a).call(a, validParams(a))
		expectCode(t, err, "PermissionCheckFailed", 403)
	}
	// The API name is not the RAM name.
	srv2 := startServerSeed(t, seedWithKeys(map[string][]string{
		"api-names": {"mq:InactivateDeviceCertificate", "mq:RegisterCaCertificate", "mq:MqttInstanceAccess"},
	}), emulator.Options{})
	for _, a := range []string{"InactivateDeviceCertificate", "RegisterCaCertificate"} {
		_, err := restrictedClient(t, srv2, "api-names").call(a, validParams(a))
		expectCode(t, err, "PermissionCheckFailed", 403)
	}
	if d, _ := srv2.Device(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn); d.Status != "1" {
		t.Fatal("a denied InactivateDeviceCertificate changed the device")
	}
}

func TestRAMWildcardsCaseAndEmptyList(t *testing.T) {
	srv := startServerSeed(t, seedWithKeys(map[string][]string{
		"mq-star":  {"mq:*"},
		"star":     {"*"},
		"get-only": {"mq:Get*", "mq:MqttInstanceAccess"},
		"case":     {"MQ:getDEVICEcertificate", "mq:mqttinstanceaccess"},
		"nothing":  {},
	}), emulator.Options{})
	roleParams := map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "s1"}
	for _, tc := range []struct {
		key     string
		allowed func(action string) bool
		sts     bool
	}{
		{"mq-star", func(string) bool { return true }, false},
		{"star", func(string) bool { return true }, true},
		{"get-only", func(a string) bool { return strings.HasPrefix(a, "Get") }, false},
		{"case", func(a string) bool { return a == "GetDeviceCertificate" }, false},
		{"nothing", func(string) bool { return false }, false},
	} {
		c := restrictedClient(t, srv, tc.key)
		for _, a := range mqttActions {
			if a == "DeleteDeviceCertificate" || a == "DeleteCaCertificate" {
				continue // keep the seed intact for the other keys
			}
			_, err := c.call(a, validParams(a))
			denied := codeOrEmpty(err) == "PermissionCheckFailed"
			if denied == tc.allowed(a) {
				t.Errorf("key %s, %s: denied=%v (%v)", tc.key, a, denied, err)
			}
		}
		_, err := c.do(assumeRoleRequest(c, roleParams))
		if tc.sts && err != nil {
			t.Errorf("key %s: AssumeRole: %v", tc.key, err)
		}
		if !tc.sts {
			expectCode(t, err, "NoPermission", 403)
		}
	}
}

// Authentication comes first, then the RAM check, then throttling, faults,
// parameters and the instance.
func TestRAMCheckPipelineOrder(t *testing.T) {
	srv := startServerSeed(t, seedWithKeys(map[string][]string{"reader": {"mq:GetCaCertificate", "mq:MqttInstanceAccess"}}), emulator.Options{RateLimit: 1})
	reader := restrictedClient(t, srv, "reader")

	p := mqttParams("InactivateDeviceCertificate", "MqttInstanceId", emulator.DemoInstanceID, "CaSn", emulator.DemoCASn, "DeviceSn", emulator.DemoDeviceSn)
	signed := signRPC("GET", p, "reader", "wrong-secret", time.Now())
	if r := rawGet(t, srv, signed); r.code() != "SignatureDoesNotMatch" {
		t.Fatalf("bad signature with a restricted key: %d %s", r.status, r.code())
	}
	// Denied calls, even with missing parameters or an unknown instance, do
	// not reach the operation and do not use the account's rate limit.
	for _, params := range []map[string]string{
		demoDevice(emulator.DemoDeviceSn),
		{"MqttInstanceId": emulator.DemoInstanceID},
		{"MqttInstanceId": "post-cn-nowhere", "CaSn": "a", "DeviceSn": "b"},
		{}, {}, {},
	} {
		_, err := reader.call("InactivateDeviceCertificate", params)
		expectCode(t, err, "PermissionCheckFailed", 403)
	}
	reader.mustCall("GetCaCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "Sn": emulator.DemoCASn})
	_, err := reader.call("GetCaCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "Sn": emulator.DemoCASn})
	expectCode(t, err, "Throttling.User", 400) // the limiter is live: the allowed call used the only token

	if n := srv.Calls()["InactivateDeviceCertificate"]; n != 7 {
		t.Fatalf("Calls counted %d denied requests, want 7", n)
	}
	if n := srv.Errors()["PermissionCheckFailed"]; n != 6 {
		t.Fatalf("Errors counted %d PermissionCheckFailed, want 6", n)
	}

	srv.SetRateLimit(0, "")
	srv.SetLegacyStatuses(true)
	_, err = reader.call("InactivateDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "PermissionCheckFailed", 400) // the older product-wide error page's status
}

// Temporary keys carry the assumed role's restriction, not the caller's.
func TestRoleRestrictionCarriesToTemporaryKeys(t *testing.T) {
	seed := seedWithKeys(map[string][]string{"assumer": {"sts:AssumeRole"}, "no-sts": {"mq:*"}})
	seed.Accounts[0].Roles = append(seed.Accounts[0].Roles, emulator.Role{Name: "reader", Actions: []string{"mq:Get*", "mq:MqttInstanceAccess"}})
	srv := startServerSeed(t, seed, emulator.Options{})
	assume := func(c *client, role string) *client {
		t.Helper()
		out, err := c.do(assumeRoleRequest(c, map[string]string{"RoleArn": "acs:ram::" + emulator.DemoAccountID + ":role/" + role, "RoleSessionName": "s-" + role}))
		if err != nil {
			t.Fatalf("AssumeRole %s: %v", role, err)
		}
		return newClientWith(t, srv, credentials.NewStsTokenCredential(digStr(out, "Credentials", "AccessKeyId"),
			digStr(out, "Credentials", "AccessKeySecret"), digStr(out, "Credentials", "SecurityToken")), nil)
	}

	reader := assume(demoClient(t, srv), "reader")
	reader.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	_, err := reader.call("InactivateDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "PermissionCheckFailed", 403)
	_, err = reader.call("ListCaCertificate", validParams("ListCaCertificate"))
	expectCode(t, err, "PermissionCheckFailed", 403)

	// A key allowed nothing but sts:AssumeRole gets the full rights of an
	// unrestricted role.
	full := assume(restrictedClient(t, srv, "assumer"), emulator.DemoRoleName)
	full.mustCall("InactivateDeviceCertificate", demoDevice(emulator.DemoDeviceSn))

	noSTS := restrictedClient(t, srv, "no-sts")
	_, err = noSTS.do(assumeRoleRequest(noSTS, map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "s1"}))
	expectCode(t, err, "NoPermission", 403)
}

func TestRAMRestrictionsJSON(t *testing.T) {
	in := `{"accounts":[{"id":"1","access_keys":[
		{"id":"full","secret":"s1"},
		{"id":"none","secret":"s2","actions":[]},
		{"id":"some","secret":"s3","actions":["mq:*"]}],
		"roles":["terraform",{"name":"reader","actions":["mq:Get*"]}]}],
		"instances":[],"ca_certificates":[],"device_certificates":[]}`
	var seed emulator.Seed
	if err := json.Unmarshal([]byte(in), &seed); err != nil {
		t.Fatal(err)
	}
	a := seed.Accounts[0]
	if a.AccessKeys[0].Actions != nil || a.AccessKeys[1].Actions == nil || len(a.AccessKeys[1].Actions) != 0 || a.AccessKeys[2].Actions[0] != "mq:*" {
		t.Fatalf("access keys decoded as %+v", a.AccessKeys)
	}
	if a.Roles[0].Name != "terraform" || a.Roles[0].Actions != nil || a.Roles[1].Name != "reader" || a.Roles[1].Actions[0] != "mq:Get*" {
		t.Fatalf("roles decoded as %+v", a.Roles)
	}
	out, err := json.Marshal(seed.Accounts[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`{"id":"full","secret":"s1"}`, `{"id":"none","secret":"s2","actions":[]}`, `"roles":["terraform",{"name":"reader","actions":["mq:Get*"]}]`} {
		if !strings.Contains(string(out), frag) {
			t.Errorf("encoded account %s lacks %s", out, frag)
		}
	}
	var role emulator.Role
	if err := json.Unmarshal([]byte(`{"name":"x","action":["mq:*"]}`), &role); err == nil {
		t.Error("role with a misspelt field accepted")
	}
	for name, mutate := range map[string]func(*emulator.Seed){
		"pattern without service": func(s *emulator.Seed) { s.Accounts[0].AccessKeys[0].Actions = []string{"GetDeviceCertificate"} },
		"empty pattern":           func(s *emulator.Seed) { s.Accounts[0].AccessKeys[0].Actions = []string{""} },
		"blank in pattern":        func(s *emulator.Seed) { s.Accounts[0].Roles[0].Actions = []string{"mq: Get"} },
		"duplicate role": func(s *emulator.Seed) {
			s.Accounts[0].Roles = append(s.Accounts[0].Roles, emulator.Role{Name: "TERRAFORM"})
		},
		"empty role name": func(s *emulator.Seed) { s.Accounts[0].Roles = append(s.Accounts[0].Roles, emulator.Role{}) },
	} {
		s := emulator.DemoSeed()
		mutate(&s)
		if _, err := emulator.New(s, emulator.Options{}); err == nil {
			t.Errorf("%s: seed accepted", name)
		}
	}
}

// Restrictions survive a restart through -state, with [] still meaning
// "nothing" and absent still meaning "everything".
func TestRAMRestrictionsPersistInStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	seed := seedWithKeys(map[string][]string{"none": {}, "getter": {"mq:GetDeviceCertificate", "mq:MqttInstanceAccess"}})
	seed.Accounts[0].Roles = append(seed.Accounts[0].Roles, emulator.Role{Name: "reader", Actions: []string{"mq:Get*", "mq:MqttInstanceAccess"}})
	srv := startServerSeed(t, seed, emulator.Options{StateFile: path})
	demoClient(t, srv).mustCall("InactivateDeviceCertificate", demoDevice(emulator.DemoDevice2Sn)) // a mutation rewrites the file
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	srv2 := startServerSeed(t, emulator.Seed{}, emulator.Options{StateFile: path})
	_, err := restrictedClient(t, srv2, "none").call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "PermissionCheckFailed", 403)
	getter := restrictedClient(t, srv2, "getter")
	getter.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	_, err = getter.call("ListCaCertificate", validParams("ListCaCertificate"))
	expectCode(t, err, "PermissionCheckFailed", 403)
	demoClient(t, srv2).mustCall("InactivateDeviceCertificate", demoDevice(emulator.DemoDeviceSn))

	c := demoClient(t, srv2)
	out, err := c.do(assumeRoleRequest(c, map[string]string{"RoleArn": "acs:ram::" + emulator.DemoAccountID + ":role/reader", "RoleSessionName": "after-restart"}))
	if err != nil {
		t.Fatal(err)
	}
	tmp := newClientWith(t, srv2, credentials.NewStsTokenCredential(digStr(out, "Credentials", "AccessKeyId"),
		digStr(out, "Credentials", "AccessKeySecret"), digStr(out, "Credentials", "SecurityToken")), nil)
	_, err = tmp.call("ActiveDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "PermissionCheckFailed", 403)

	// The admin state API shows (and sets) the same restrictions.
	var state emulator.Seed
	adminDo(t, srv2, "GET", "/_emulator/state", nil, &state)
	keys := map[string][]string{}
	for _, k := range state.Accounts[0].AccessKeys {
		keys[k.ID] = k.Actions
	}
	if keys["none"] == nil || len(keys["none"]) != 0 || keys[emulator.DemoAccessKeyID] != nil || len(keys["getter"]) != 2 {
		t.Fatalf("GET /_emulator/state keys: %#v", keys)
	}
}
