#!/usr/bin/env bash
# Takes a fresh Debian bookworm machine (Node 20, root) to a ready Cosmo checkout: system packages,
# pnpm, dependencies from the lockfile, and the mediasoup worker built from source. Idempotent:
# each step says what it does and skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages: the worker's build tools and libraries, Chromium for the browser tests (with
# Japanese and Chinese fonts, so their screenshots are readable), Redis for the cluster tests,
# PostgreSQL for the cluster's shared school records (the server for the tests, and libpq-dev that
# pg-native's addon is compiled against), the offline speech (pocketsphinx, with its headers: the
# captions decoder is compiled against it on first use) and translation (apertium) engines, with
# espeak-ng and sox to make real speech for their tests; Janus and iproute2 for the bench's fan-out
# baseline; nftables, coturn and openssl for the firewall tests (a student in a network namespace,
# TURN over TLS). scripts/services.sh starts Redis and PostgreSQL before the tests.
APT_PACKAGES=(
  build-essential python3 meson ninja-build pkg-config
  libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev nlohmann-json3-dev libssl-dev
  chromium fonts-ipafont-gothic fonts-wqy-zenhei redis-server libpq-dev postgresql
  pocketsphinx pocketsphinx-en-us libpocketsphinx-dev libsphinxbase-dev
  apertium apertium-eng-spa espeak-ng sox ffmpeg
  janus iproute2 nftables coturn openssl
)

step "system packages"
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "all ${#APT_PACKAGES[@]} present"
else
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -q
  sudo_if_needed apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

step "pnpm"
PNPM_VERSION=12.21.0
if command -v pnpm >/dev/null && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
  echo "pnpm $PNPM_VERSION present"
else
  echo "installing pnpm $PNPM_VERSION with npm (corepack needs a download this machine cannot make)"
  npm install -g --no-fund --no-audit "pnpm@$PNPM_VERSION"
fi

step "dependencies (pnpm install --frozen-lockfile)"
# Native addons (better-sqlite3) compile against the installed Node's headers; node-gyp would
# otherwise try to download them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ]; then
  export npm_config_nodedir=/usr
fi
# mediasoup's own postinstall would try to download a prebuilt worker; it is not run (see
# pnpm-workspace.yaml). The worker is built from source in the next step.
pnpm install --frozen-lockfile --reporter=append-only

step "mediasoup worker"
worker_bin=$(bash scripts/build-mediasoup-worker.sh | tail -n 1)
mkdir -p .cosmo
echo "$worker_bin" >.cosmo/mediasoup-worker-bin
echo "MEDIASOUP_WORKER_BIN=$worker_bin (recorded in .cosmo/mediasoup-worker-bin)"

step "build packages and the demo app"
pnpm -r --filter './packages/**' run build
pnpm -F @cosmo/demo run build

printf '\nsetup done\n'
