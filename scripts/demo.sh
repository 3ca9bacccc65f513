#!/usr/bin/env bash
# From a fresh machine to a running demo: setup, then serve the demo app.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
MEDIASOUP_WORKER_BIN=$(cat .cosmo/mediasoup-worker-bin)
export MEDIASOUP_WORKER_BIN

printf '\n==> demo\n'
echo "Everything is installed. The demo app lands with the client issue (CosmoClient and"
echo "<cosmo-classroom>); until then this command stops here."
