#!/usr/bin/env bash
# From a fresh machine to a running demo: setup (which builds the demo app), then one server that
# serves the app, its class API and the media on one port.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
MEDIASOUP_WORKER_BIN=$(cat .cosmo/mediasoup-worker-bin)
export MEDIASOUP_WORKER_BIN
PORT=${COSMO_PORT:-7880}

printf '\n==> demo\n'
cat <<EOT
Open http://localhost:$PORT/ to start a class as the teacher; share the student link it shows.
(Media is on 127.0.0.1 by default: for other machines on your network, set COSMO_LISTEN_IP=0.0.0.0
and COSMO_ANNOUNCED_IP to this machine's address.)  Stop with Ctrl-C.

EOT
exec node packages/sfu/dist/cli.js serve --demo --static apps/demo/dist --port "$PORT"
