#!/usr/bin/env bash
# Debian packages Strata's tests need, installed when missing (run as root; idempotent).
# The kernel slice needs nothing beyond Node 20 and procps; Docker, etcd, HAProxy and Chromium join
# this list with the suites that use them (see ../shared/reference/toolchain.md for the recipe).
set -euo pipefail
PKGS="procps"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  apt-get update -qq
  # --no-install-recommends keeps systemd and friends out of the machine
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
