#!/usr/bin/env bash
# The whole test suite, from a fresh machine: setup, generated-code check, typecheck, lint, the
# services the tests use (Redis, PostgreSQL), tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
step() { printf '\n==> %s\n' "$*"; }

MEDIASOUP_WORKER_BIN=$(cat .cosmo/mediasoup-worker-bin)
export MEDIASOUP_WORKER_BIN

step "generated files are current"
pnpm gen:check
pnpm -F @cosmo/client run manifest >/dev/null
git diff --exit-code --stat -- packages/client/custom-elements.json \
  || { echo "packages/client/custom-elements.json is stale: run 'pnpm -F @cosmo/client manifest' and commit it" >&2; exit 1; }

step "typecheck"
pnpm typecheck

step "lint"
pnpm lint

step "services (Redis, PostgreSQL)"
bash scripts/services.sh

step "tests"
mkdir -p .cosmo
status=0
pnpm test --reporter=default --reporter=json --outputFile.json=.cosmo/test-results.json || status=$?
# One closing line any CI can read, whatever the runner prints above it.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".cosmo/test-results.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' || true
exit "$status"
