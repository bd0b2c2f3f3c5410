#!/usr/bin/env bash
# Installs the external load generator the `external` scenario of Gantry.Load drives: wrk, Debian's package.
# Does nothing when wrk is already on the PATH. Needs root (or sudo) for apt-get.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk
command -v wrk >/dev/null
