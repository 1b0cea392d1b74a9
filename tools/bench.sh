#!/usr/bin/env bash
# Fleet-scale benchmark (make bench). Builds the provider and the benchmark
# program, finds the engines (building OpenTofu once when missing), and runs
# internal/benchmark/cmd/bench. Every argument goes to the program, e.g.
#   make bench BENCH_FLAGS="-quick"                    # N=100,1000, throttled N=1000: a few minutes
#   make bench BENCH_FLAGS="-engines tofu -n 1000 -throughput="
#   make bench BENCH_FLAGS="-profile"                  # provider with pprof hooks, profiles in bench-results/profiles
# Results: bench-results/latest.{json,md} (git-ignored); see internal/benchmark/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench-results
mkdir -p "$out/bin" "$out/provider" "$out/floor"

profile=0
args=()
for a in "$@"; do
  if [ "$a" = "-profile" ] || [ "$a" = "--profile" ]; then profile=1; else args+=("$a"); fi
done

echo "== building the provider and the benchmark"
if [ "$profile" -eq 1 ]; then
  go build -trimpath -o "$out/provider/terraform-provider-apsaramq" ./internal/benchmark/cmd/profprovider
  args+=(-profile-dir "$out/profiles")
else
  go build -trimpath -o "$out/provider/terraform-provider-apsaramq" .
fi
go build -trimpath -o "$out/floor/terraform-provider-apsaramq" ./internal/benchmark/cmd/floorprovider
go build -o "$out/bin/bench" ./internal/benchmark/cmd/bench

engines="$(bash tools/ensure-engines.sh)"
terraform_bin="$(sed -n 's/^terraform=//p' <<<"$engines")"
tofu_bin="$(sed -n 's/^tofu=//p' <<<"$engines")"

exec "$out/bin/bench" -provider "$out/provider/terraform-provider-apsaramq" -floor-provider "$out/floor/terraform-provider-apsaramq" \
  -terraform "$terraform_bin" -tofu "$tofu_bin" -work "$out/work" -out "$out" "${args[@]}"
