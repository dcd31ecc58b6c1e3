#!/usr/bin/env bash
# Runs levier's browser tests: Playwright (playwright-core) driving Debian's Chromium, under
# Node's built-in test runner. Each test file starts its own levier server (see harness.mjs).
#
#   e2e/run.sh                      # every e2e/tests/*.test.mjs
#   e2e/run.sh e2e/tests/overview.test.mjs   # some files (paths from the current folder)
#
# Needs: node and npm (20+), /usr/bin/chromium (apt-get install -y chromium, or set CHROMIUM),
# and a built levier (cargo build -p levier-cli, or set LEVIER_BIN).
# Screenshots and server logs go to e2e/artifacts/ (emptied at each run).
set -euo pipefail
files=()
for f in "$@"; do
  case "$f" in /*) files+=("$f") ;; *) files+=("$PWD/$f") ;; esac
done
cd "$(dirname "$0")"
start=$(date +%s)

fail() { echo "e2e/run.sh: $*" >&2; exit 1; }
command -v node >/dev/null || fail "node is not installed (apt-get install -y nodejs npm)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "Node.js $(node --version) is too old: playwright-core needs 20 or later"
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || fail "Chromium not found at $chromium (apt-get install -y chromium)"
bin=${LEVIER_BIN:-target/debug/levier}
case "$bin" in /*) ;; *) bin="../$bin" ;; esac
[ -x "$bin" ] || fail "levier binary not found at $bin (cargo build -p levier-cli, or set LEVIER_BIN)"

# npm dependencies: installed from the lock file when missing or older than it.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "e2e/run.sh: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ ${#files[@]} -eq 0 ]; then
  shopt -s nullglob
  files=(tests/*.test.mjs)
  shopt -u nullglob
fi
[ ${#files[@]} -gt 0 ] || fail "no test files in e2e/tests"

rm -rf artifacts
mkdir -p artifacts
echo "e2e/run.sh: $(node --version), playwright-core $(node -p "require('playwright-core/package.json').version"), $("$chromium" --version 2>/dev/null | head -1)"

status=0
# Per test file: the semantic search file waits for the demo's passages to be embedded by the
# debug build (about 3 minutes on two busy cores).
node --test --test-timeout=600000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination=artifacts/results.tap \
  "${files[@]}" || status=$?

count() { sed -n "s/^# $1 \([0-9][0-9]*\)$/\1/p" artifacts/results.tap 2>/dev/null | tail -1; }
passed=$(count pass); failed=$(count fail); cancelled=$(count cancelled); skipped=$(count skipped)
passed=${passed:-0}; failed=$(( ${failed:-0} + ${cancelled:-0} )); skipped=${skipped:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "e2e/run.sh: no test ran" >&2
  status=1
fi
echo "e2e/run.sh: artifacts in e2e/artifacts/ ($(( $(date +%s) - start ))s)"
echo "e2e: $passed passed, $failed failed, $skipped skipped"
exit "$status"
