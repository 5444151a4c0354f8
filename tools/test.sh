#!/usr/bin/env bash
# The one command that takes a fresh machine (Debian, Node 20) to a test verdict:
# system packages (as root), npm packages, build and test of every package with Nx, ESLint, and one
# closing line "Tests: N passed, N failed, N skipped". `npm test` and .ci/run both call this.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false

if [ "$(id -u)" = 0 ]; then
  bash tools/install-system-deps.sh
else
  echo "test.sh: not root, so system packages are not installed; tests that need them will fail"
fi
npm install --no-audit --no-fund --loglevel=error
rm -rf reports/jest
status=0
npx nx run-many -t build --output-style=static --parallel=2 || status=$?
npx nx run-many -t test --output-style=static --parallel=2 --exclude=chaos || status=$?
# The chaos run (a cluster on network namespaces under faults, about 3 minutes) goes alone: it
# must not share the machine's two cores with another package's suite.
npx nx run chaos:test --output-style=static || status=$?
# The architecture's rules (package boundaries, pure folders, handled promises): after the build,
# because the type-aware rules read sibling packages' built types.
echo "lint: eslint ."
npx eslint . || { echo "lint: failed"; status=1; }
node tools/test-summary.js || status=1
exit $status
