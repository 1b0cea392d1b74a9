// Package onsmqtt is the typed client for the ApsaraMQ for MQTT (OnsMqtt,
// version 2020-04-20) certificate API.
//
// It sits on the Alibaba Cloud Go SDK's CommonRequest, because the SDK has no
// typed certificate operations, and adds what the SDK leaves out: error
// classification by Code (never by HTTP status, which the service changed in
// 2024), retries with capped exponential backoff and jitter, a client-side
// rate that adapts to throttling answers (RateAdaptive), context
// cancellation, and a pool of SDK clients so concurrent calls do not race on
// the SDK's per-request mutation of its HTTP client.
//
// The package deliberately imports nothing from terraform-plugin-*: callers
// pass a Logger to see attempts.
package onsmqtt
