#!/usr/bin/env bash
# The one command that starts a whole local Strata cluster on this machine from a fresh clone:
# npm packages, build, then `strata up` (master on 5050, agent on 5051, state in ./.strata).
# Extra arguments go to `strata up`, e.g. `npm start -- --agents 3`.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false
npm install --no-audit --no-fund --loglevel=error
npx nx run-many -t build --output-style=static --parallel=2 >/dev/null
exec node packages/cli/bin/strata.js up "$@"
