#!/usr/bin/env bash
# signs.cmd of .goreleaser.yml: writes a binary detached signature of a
# release's SHA256SUMS, the kind the Terraform Registry and `init` verify.
#   usage: tools/sign-checksums.sh SIGNATURE ARTIFACT
# A release: GPG_FINGERPRINT names a key in gpg's keyring (CI imports it
# from its secrets), and gpg signs with it.
# A snapshot (make release-snapshot): the key made for the run, which
# APSARAMQ_SNAPSHOT_SIGNING_KEY names, signs through internal/release; no
# gpg is needed.
set -euo pipefail
[ "$#" -eq 2 ] || { echo "usage: $0 SIGNATURE ARTIFACT" >&2; exit 2; }
if [ -n "${GPG_FINGERPRINT:-}" ]; then
  command -v gpg >/dev/null || { echo "GPG_FINGERPRINT is set but gpg is not installed (apt-get install gnupg)" >&2; exit 1; }
  exec gpg --batch --local-user "$GPG_FINGERPRINT" --output "$1" --detach-sign "$2"
fi
if [ -n "${APSARAMQ_SNAPSHOT_SIGNING_KEY:-}" ]; then
  signature="$(realpath -m "$1")" artifact="$(realpath "$2")"
  cd "$(dirname "$0")/.."
  exec go run ./internal/release/cmd/release sign -key "$APSARAMQ_SNAPSHOT_SIGNING_KEY" -out "$signature" "$artifact"
fi
echo "nothing to sign with: set GPG_FINGERPRINT for a release, or build a snapshot with make release-snapshot" >&2
exit 1
