#!/usr/bin/env bash
# Debian packages Strata's tests need, installed when missing (run as root; idempotent), and a
# Docker engine started when none answers (apt starts no services here: no systemd, and
# policy-rc.d forbids it). See ../shared/reference/toolchain.md for what was measured.
set -euo pipefail
PKGS="procps docker.io busybox-static tar iptables etcd-server chromium zsh openssl"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  apt-get update -qq
  # --no-install-recommends keeps systemd and friends out of the machine
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Tasks with BRIDGE networking need Docker's default bridge (docker0 with its NAT rules); an
# engine started earlier without one (older versions of this script) is restarted with it.
if docker info >/dev/null 2>&1 && ! docker network inspect bridge >/dev/null 2>&1; then
  pkill -x dockerd || true
  for _ in $(seq 1 100); do docker info >/dev/null 2>&1 || break; sleep 0.1; done
fi
if ! docker info >/dev/null 2>&1; then
  nohup dockerd >/tmp/strata-dockerd.log 2>&1 &
  for _ in $(seq 1 200); do docker info >/dev/null 2>&1 && break; sleep 0.1; done
  docker info >/dev/null 2>&1 || { echo "dockerd failed to start:"; tail -20 /tmp/strata-dockerd.log; exit 1; }
fi
docker network inspect bridge >/dev/null 2>&1 || { echo "dockerd has no bridge network:"; tail -20 /tmp/strata-dockerd.log; exit 1; }
