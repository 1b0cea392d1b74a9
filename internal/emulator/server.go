package emulator

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxBodyBytes bounds a request body; CA PEMs are a few KB.
const maxBodyBytes = 4 << 20

// call is one authenticated API request as seen by an operation handler.
type call struct {
	ctx       context.Context
	action    string
	params    url.Values
	accountID string // the account the (permanent or temporary) key acts as
	keyID     string
	temporary bool     // signed with an STS temporary key
	nonce     string   // the SignatureNonce (or x-acs-signature-nonce) used
	actions   []string // RAM restriction of the key; nil = the account's full rights
}

func (c *call) get(name string) string { return c.params.Get(name) }

// handler implements one action and returns the response body without
// RequestId, which the dispatcher adds.
type handler func(e *Emulator, c *call) (map[string]any, *apiError)

// product groups the actions answered for one API Version.
type product struct {
	name    string
	host    func(region string) string
	actions map[string]handler
}

// products maps API Version to the product answering it. Dispatching on
// Version lets the STS and OnsMqtt share one listener like a client with one
// custom endpoint would expect.
var products = map[string]product{
	MQTTVersion: {
		name: "OnsMqtt",
		host: func(region string) string { return "onsmqtt." + region + ".aliyuncs.com" },
		actions: map[string]handler{
			"GetDeviceCertificate":        (*Emulator).getDeviceCertificate,
			"ActiveDeviceCertificate":     (*Emulator).activeDeviceCertificate,
			"InactivateDeviceCertificate": (*Emulator).inactivateDeviceCertificate,
			"DeleteDeviceCertificate":     (*Emulator).deleteDeviceCertificate,
			"ListDeviceCertificate":       (*Emulator).listDeviceCertificate,
			"ListDeviceCertificateByCaSn": (*Emulator).listDeviceCertificateByCASn,
			"GetRegisterCode":             (*Emulator).getRegisterCode,
			"RegisterCaCertificate":       (*Emulator).registerCACertificate,
			"GetCaCertificate":            (*Emulator).getCACertificate,
			"ActiveCaCertificate":         (*Emulator).activeCACertificate,
			"InactivateCaCertificate":     (*Emulator).inactivateCACertificate,
			"DeleteCaCertificate":         (*Emulator).deleteCACertificate,
			"ListCaCertificate":           (*Emulator).listCACertificate,
		},
	},
	STSVersion: {
		name: "Sts",
		host: func(string) string { return "sts.aliyuncs.com" },
		actions: map[string]handler{
			"AssumeRole":         (*Emulator).assumeRole,
			"AssumeRoleWithOIDC": (*Emulator).assumeRoleWithOIDC,
		},
	},
}

// anonymousActions are answered without a signature: the request carries
// its own proof of identity (an OIDC token).
var anonymousActions = map[string]bool{"AssumeRoleWithOIDC": true}

const defaultRegion = "cn-hangzhou"

// ServeHTTP answers the signed API at "/" and the admin API under "/_emulator/".
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == adminPrefix[:len(adminPrefix)-1] || strings.HasPrefix(r.URL.Path, adminPrefix) {
		e.serveAdmin(w, r)
		return
	}
	e.serveAPI(w, r)
}

// serveAPI runs the gateway pipeline in the order a real gateway does:
// action/version -> signature fields -> timestamp -> access key -> signature
// -> nonce -> RAM authorization -> throttling -> faults -> latency ->
// instance region -> operation.
func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	host := "onsmqtt." + defaultRegion + ".aliyuncs.com"
	fail := func(err *apiError) { e.writeError(w, reqID, host, err) }

	if r.URL.Path != "/" {
		fail(newErr(CodeInvalidActionNotFound, "Specified api is not found, please check your url and method."))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		fail(newErr(CodeUnsupportedHTTPMethod, "This http method %s is not supported.", r.Method))
		return
	}
	params, body, perr := readParams(r)
	if perr != nil {
		fail(perr)
		return
	}
	if region := params.Get("RegionId"); region != "" {
		host = "onsmqtt." + region + ".aliyuncs.com"
	}

	action := firstNonEmpty(params.Get("Action"), r.Header.Get("x-acs-action"))
	if action == "" {
		fail(errMissing("Action"))
		return
	}
	e.countCall(action)
	version := firstNonEmpty(params.Get("Version"), r.Header.Get("x-acs-version"))
	if version == "" {
		fail(errMissing("Version"))
		return
	}
	prod, ok := products[version]
	if !ok {
		fail(newErr(CodeInvalidVersion, "Specified parameter Version is not valid."))
		return
	}
	host = prod.host(firstNonEmpty(params.Get("RegionId"), defaultRegion))
	h, ok := prod.actions[action]
	if !ok {
		fail(newErr(CodeInvalidActionNotFound, "Specified api is not found, please check your url and method."))
		return
	}

	if prod.name == "Sts" {
		defer e.beginIssue()()
	}
	c := &call{params: params}
	if !anonymousActions[action] {
		var aerr *apiError
		if c, aerr = e.authenticate(r, params, body); aerr != nil {
			fail(aerr)
			return
		}
		if aerr := authorize(prod, action, c); aerr != nil {
			fail(aerr)
			return
		}
	}
	c.ctx, c.action = r.Context(), action

	if aerr := e.throttle(c.accountID); aerr != nil {
		fail(aerr)
		return
	}
	if e.injectFault(w, r, c, fail) {
		return
	}
	if d := e.currentLatency(); d > 0 {
		if !sleepCtx(r.Context(), d) {
			return // client gone
		}
	}
	if aerr := e.checkInstanceRegion(prod, c); aerr != nil {
		fail(aerr)
		return
	}
	resp, aerr := h(e, c)
	if aerr != nil {
		fail(aerr)
		return
	}
	resp["RequestId"] = reqID
	writeJSON(w, http.StatusOK, resp)
}

// readParams merges query parameters with an urlencoded form body. The raw
// body is returned too, because ACS3 signs its hash.
func readParams(r *http.Request) (url.Values, []byte, *apiError) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, nil, newErr(CodeInvalidParameter, "The query string is malformed: %v", err)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, nil, newErr(CodeInvalidParameter, "The request body could not be read: %v", err)
	}
	if len(body) > maxBodyBytes {
		return nil, nil, newErr(CodeInvalidParameter, "The request body is larger than %d bytes.", maxBodyBytes)
	}
	if len(body) > 0 {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt == "application/x-www-form-urlencoded" {
			form, err := url.ParseQuery(string(body))
			if err != nil {
				return nil, nil, newErr(CodeInvalidParameter, "The form body is malformed: %v", err)
			}
			for k, vs := range form {
				params[k] = append(params[k], vs...)
			}
		}
	}
	return params, body, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// writeError answers err as the gateway's JSON error body and counts it.
func (e *Emulator) writeError(w http.ResponseWriter, reqID, host string, err *apiError) {
	e.countError(err.Code)
	writeJSON(w, HTTPStatus(err.Code, e.legacyStatuses()), map[string]any{
		"RequestId": reqID,
		"HostId":    host,
		"Code":      err.Code,
		"Message":   err.Message,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(err.Code) + "&product=OnsMqtt",
	})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // "&" in Recommend URLs stays readable
	_ = enc.Encode(body)
}

// newRequestID returns an upper-case random UUID like the real RequestId.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// sleepCtx sleeps d unless ctx ends first; it reports whether it slept fully.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
