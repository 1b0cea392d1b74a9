#!/usr/bin/env bash
# Runs every fuzz target for a bounded time and prints executions per target.
# FUZZTIME (default 20s) is the budget per target; FUZZ_TARGETS narrows the
# list (a regular expression on "package:Target"). A failure leaves the
# crasher under the package's testdata/fuzz/<Target>/: commit it as a
# regression seed once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-20s}"
filter="${FUZZ_TARGETS:-.}"

targets=(
  ./internal/service/mqtt:FuzzSerialNumberProblem
  ./internal/service/mqtt:FuzzInstanceIDProblem
  ./internal/service/mqtt:FuzzDeviceIDRoundTrip
  ./internal/onsmqtt:FuzzClassifyResponse
  ./internal/onsmqtt:FuzzClassifyCode
  ./internal/onsmqtt:FuzzParseEndpoint
  ./internal/emulator:FuzzGatewayRequest
  ./internal/emulator:FuzzRPCSignature
)

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
failed=0 total=0 summary=()
for t in "${targets[@]}"; do
  [[ "$t" =~ $filter ]] || continue
  pkg="${t%%:*}" name="${t##*:}"
  echo "== $name ($pkg) for $fuzztime"
  # Acceptance tests must not start: TF_ACC unset. Minimisation of new
  # inputs is bounded so the budget goes to fuzzing.
  if env -u TF_ACC go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 100x "$pkg" >"$log" 2>&1; then
    status=ok
  else
    status=FAIL failed=$((failed + 1))
    cat "$log"
  fi
  execs="$(grep -o 'execs: [0-9]*' "$log" | tail -1 | awk '{print $2}')"
  execs="${execs:-0}"
  total=$((total + execs))
  summary+=("$(printf '%-26s %-24s %12s execs  %s' "$name" "$pkg" "$execs" "$status")")
done

echo
echo "== fuzz summary (FUZZTIME=$fuzztime per target)"
printf '%s\n' "${summary[@]}"
echo "total executions: $total"
if [ "$failed" -gt 0 ]; then
  echo "$failed target(s) failed; crashers are under testdata/fuzz/<Target>/" >&2
  exit 1
fi
