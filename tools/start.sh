#!/usr/bin/env bash
# The one command that starts a whole local Strata cluster on this machine from a fresh clone:
# npm packages, build, then `strata up` (master on 5050, agent on 5051, state in ./.strata).
# Extra arguments go to `strata up`, e.g. `npm start -- --agents 3`.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false
# --ha needs etcd (Debian's etcd-server): installed here when missing and we are root.
if [[ " $* " == *" --ha "* ]] && ! command -v etcd >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
  else
    echo "start.sh: --ha needs etcd; install Debian's etcd-server (apt-get install etcd-server) or run as root" >&2
    exit 1
  fi
fi
npm install --no-audit --no-fund --loglevel=error
npx nx run-many -t build --output-style=static --parallel=2 >/dev/null
exec node packages/cli/bin/strata.js up "$@"
